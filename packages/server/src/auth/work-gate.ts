/**
 * A bound on expensive work done at once: at most `concurrency` tasks run, and the anonymous ones that
 * cannot run at once wait, or are refused at once (the caller's refusal, with the seconds the queue ahead
 * needs to drain) instead of waiting behind a flood. Signed-in callers wait ahead of anonymous ones and
 * are never refused: they are few and known. Slots pass in arrival order within each priority, so a
 * newcomer never overtakes the queue. "Suspect" callers (anonymous ones with recent failures, such as
 * a cardholder with wrong answers counted) wait behind the other anonymous ones, and a full queue
 * refuses them first.
 *
 * Anonymous waiters are bounded by their number (`queueLimit`) and, when `targetDelayMs` is set, by the
 * time they wait (controlled delay, after CoDel): a burst may queue, but once every waiter leaving the
 * queue for `intervalMs` has waited longer than `targetDelayMs` (a standing queue: more arrives than
 * the slots can serve), newcomers are refused while others wait, until a waiter gets its slot within the
 * target again. So when the slots can serve everything nothing is refused, and under overload the wait
 * of an admitted request stays near the target instead of growing to the queue's length. A waiter that
 * has waited `maxWaitMs` is refused when its turn comes (its client has been kept long enough).
 */
export type GatePriority = 'anonymous' | 'signed-in' | 'suspect';

export interface WorkGateOptions {
  /** Tasks that run at once. */
  readonly concurrency: number;
  /** Anonymous tasks that may wait for a free slot; beyond this they are refused. */
  readonly queueLimit: number;
  /** The wait (ms) a standing queue may impose before newcomers are refused; none when undefined. */
  readonly targetDelayMs?: number | undefined;
  /** How long (ms) every wait must exceed the target before newcomers are refused (default 100). */
  readonly intervalMs?: number | undefined;
  /** A waiter that has waited this long (ms) is refused when its turn comes; none when undefined. */
  readonly maxWaitMs?: number | undefined;
}

/** Gives back a slot; calling it again does nothing. */
export type Release = () => void;

interface Waiter {
  readonly since: number;
  readonly admit: () => void;
  readonly refuse: (error: Error) => void;
  readonly anonymous: boolean;
}

export class WorkGate {
  private running = 0;
  private readonly signedIn: Waiter[] = [];
  /** Anonymous waiters, then "suspect" ones (anonymous callers with recent failures), each in order. */
  private readonly anonymous: Waiter[] = [];
  private readonly suspect: Waiter[] = [];
  /** A moving average of how long a slot was held (ms), for the wait a refusal announces. */
  private averageMs: number;
  /** Since when (performance.now()) every waiter leaving the queue waited longer than the target. */
  private aboveTargetSince: number | null = null;
  /** Refusals so far, by why (for metrics and tests). */
  readonly refused = { full: 0, delay: 0, stale: 0 };

  /**
   * @param refuse builds the error an anonymous task gets when the queue is full, from the whole seconds
   *   (at least 1) the work ahead of it needs.
   * @param firstEstimateMs how long a task is assumed to take before any has been measured.
   */
  constructor(
    readonly options: WorkGateOptions,
    private readonly refuse: (retryAfterSeconds: number) => Error,
    firstEstimateMs = 20,
  ) {
    if (!Number.isInteger(options.concurrency) || options.concurrency < 1)
      throw new RangeError('the concurrency must be a whole number of at least 1');
    if (!Number.isInteger(options.queueLimit) || options.queueLimit < 0)
      throw new RangeError('the queue limit must be a whole number of at least 0');
    for (const [name, value] of [
      ['target delay', options.targetDelayMs],
      ['interval', options.intervalMs],
      ['longest wait', options.maxWaitMs],
    ] as const) {
      if (value !== undefined && !(Number.isFinite(value) && value > 0))
        throw new RangeError(`the ${name} must be a positive number of milliseconds`);
    }
    this.averageMs = firstEstimateMs;
  }

  /** Tasks running and waiting now (for metrics and tests). */
  get load(): { running: number; waiting: number } {
    return { running: this.running, waiting: this.waiting() };
  }

  /** Whether anonymous newcomers are being refused for the queue's delay now. */
  get shedding(): boolean {
    const { targetDelayMs, intervalMs = 100 } = this.options;
    if (targetDelayMs === undefined || this.aboveTargetSince === null) return false;
    // An empty queue is no standing queue: the next newcomer waits at most one task.
    if (this.anonymous.length + this.suspect.length === 0) return false;
    return performance.now() - this.aboveTargetSince >= intervalMs;
  }

  /**
   * Waits for a slot and returns its release.
   * @throws the refusal, at once, when an anonymous caller finds the queue full or standing, or when
   *   its turn comes after `maxWaitMs`.
   */
  async acquire(priority: GatePriority = 'anonymous'): Promise<Release> {
    if (this.running < this.options.concurrency && this.waiting() === 0) {
      this.running++;
      this.aboveTargetSince = null;
    } else {
      const anonymous = priority !== 'signed-in';
      if (anonymous) {
        if (this.anonymous.length + this.suspect.length >= this.options.queueLimit) {
          this.refused.full++;
          // A full queue refuses a suspect caller before anyone else: the newest suspect waiter makes room.
          const evicted = priority === 'anonymous' ? this.suspect.pop() : undefined;
          if (!evicted) throw this.refuse(this.drainSeconds());
          evicted.refuse(this.refuse(this.drainSeconds()));
        }
        if (this.shedding) {
          this.refused.delay++;
          throw this.refuse(this.drainSeconds());
        }
      }
      await new Promise<void>((admit, refuse) => {
        const waiter = { since: performance.now(), admit, refuse, anonymous };
        (priority === 'signed-in'
          ? this.signedIn
          : priority === 'suspect'
            ? this.suspect
            : this.anonymous
        ).push(waiter);
      });
    }
    const started = performance.now();
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.averageMs = this.averageMs * 0.9 + (performance.now() - started) * 0.1;
      this.release();
    };
  }

  /** Runs `task` in a slot. @throws the refusal when an anonymous caller finds the queue full. */
  async run<T>(task: () => Promise<T>, priority: GatePriority = 'anonymous'): Promise<T> {
    const release = await this.acquire(priority);
    try {
      return await task();
    } finally {
      release();
    }
  }

  private waiting(): number {
    return this.signedIn.length + this.anonymous.length + this.suspect.length;
  }

  private release(): void {
    const now = performance.now();
    for (;;) {
      const next = this.signedIn.shift() ?? this.anonymous.shift() ?? this.suspect.shift();
      if (!next) {
        this.running--;
        this.aboveTargetSince = null;
        return;
      }
      const waited = now - next.since;
      this.observe(waited, now);
      if (next.anonymous && this.options.maxWaitMs !== undefined && waited >= this.options.maxWaitMs) {
        this.refused.stale++;
        next.refuse(this.refuse(this.drainSeconds()));
        continue;
      }
      // The slot passes straight to the next waiter (the count stays), so nobody can take it in between.
      next.admit();
      return;
    }
  }

  /** Notes how long a waiter leaving the queue waited (the controlled-delay state). */
  private observe(waitedMs: number, now: number): void {
    const { targetDelayMs } = this.options;
    if (targetDelayMs === undefined) return;
    if (waitedMs < targetDelayMs) this.aboveTargetSince = null;
    else this.aboveTargetSince ??= now;
  }

  /** The time the work ahead needs, in whole seconds, at least 1. */
  private drainSeconds(): number {
    const ahead = this.running + this.waiting();
    return Math.max(1, Math.ceil((ahead * this.averageMs) / this.options.concurrency / 1000));
  }
}
