/**
 * One statement for many callers: callers that arrive while a batch is being run wait for the next one,
 * which then serves all of them in a single round trip (as a database's group commit does). When nobody
 * else is waiting a caller's batch is run at once, alone, so a quiet server adds no delay; under a flood
 * the number of statements stays about one per statement's duration whatever the request rate, and each
 * caller still gets its own exact answer.
 */
import { AsyncResource } from 'node:async_hooks';

/**
 * The batches' own async context, made when this module loads, outside any request: a statement serves
 * many callers, so it must not run under the first one's request-scoped statement timeout
 * (db/query-budget.ts). Each caller still gets its answer or error in its own context.
 */
const batchScope = new AsyncResource('cardwarden.statement-batch');

export interface StatementBatchOptions {
  /** Callers served by one statement at most. */
  readonly maxBatch: number;
  /** Callers that may wait for a batch; beyond this `full()` is thrown at once (memory). */
  readonly maxWaiting: number;
  /** The refusal of a caller that finds the waiting list full. */
  readonly full: () => Error;
}

interface Waiter<I, O> {
  readonly item: I;
  readonly resolve: (output: O) => void;
  readonly reject: (error: unknown) => void;
}

export class StatementBatch<I, O> {
  private waiting: Waiter<I, O>[] = [];
  private running = false;

  /**
   * @param run runs the statement for `items` and gives one output per item, in their order. When it
   *   throws, every caller of that batch gets the error (the statement did nothing: it is one statement).
   */
  constructor(
    private readonly run: (items: readonly I[]) => Promise<readonly O[]>,
    private readonly options: StatementBatchOptions,
  ) {}

  /** `item`'s output, from the next batch. */
  submit(item: I): Promise<O> {
    if (this.waiting.length >= this.options.maxWaiting) return Promise.reject(this.options.full());
    return new Promise<O>((resolve, reject) => {
      this.waiting.push({ item, resolve, reject });
      if (!this.running) {
        this.running = true;
        // At once (after the caller's own synchronous work): callers that come while it runs share the next.
        queueMicrotask(() => {
          batchScope.runInAsyncScope(() => void this.next());
        });
      }
    });
  }

  private async next(): Promise<void> {
    const batch = this.waiting.splice(0, this.options.maxBatch);
    try {
      const outputs = await this.run(batch.map((waiter) => waiter.item));
      if (outputs.length !== batch.length)
        throw new Error('a batch statement gave the wrong number of outputs');
      batch.forEach((waiter, index) => {
        waiter.resolve(outputs[index] as O);
      });
    } catch (error) {
      for (const waiter of batch) waiter.reject(error);
    }
    if (this.waiting.length > 0) void this.next();
    else this.running = false;
  }
}
