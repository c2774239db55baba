import { describe, expect, it } from 'vitest';
import { currentStatementTimeoutMs, withStatementTimeout } from './query-budget.js';
import { StatementBatch } from './statement-batch.js';

class Full extends Error {}

/** A batch whose statement doubles each number, noting every batch it was given. */
function doubling(
  options: { maxBatch?: number; maxWaiting?: number; fail?: (items: readonly number[]) => boolean } = {},
) {
  const batches: number[][] = [];
  let release: (() => void) | undefined;
  const batch = new StatementBatch<number, number>(
    async (items) => {
      batches.push([...items]);
      // The first statement is held until the test lets it go, so that callers pile up behind it.
      if (batches.length === 1) await new Promise<void>((resolve) => (release = resolve));
      if (options.fail?.(items)) throw new Error(`statement failed for ${items.join(',')}`);
      return items.map((item) => item * 2);
    },
    { maxBatch: options.maxBatch ?? 100, maxWaiting: options.maxWaiting ?? 100, full: () => new Full() },
  );
  const letFirstGo = async () => {
    while (!release) await new Promise((resolve) => setImmediate(resolve));
    release();
  };
  return { batch, batches, letFirstGo };
}

describe('statement batch', () => {
  it('runs a lone caller at once, and serves callers that came meanwhile with one statement, each its own answer', async () => {
    const { batch, batches, letFirstGo } = doubling();
    const first = batch.submit(1);
    // Arrive while the first statement runs.
    await new Promise((resolve) => setImmediate(resolve));
    const later = [2, 3, 4, 5].map((n) => batch.submit(n));
    await letFirstGo();
    expect(await first).toBe(2);
    expect(await Promise.all(later)).toEqual([4, 6, 8, 10]);
    expect(batches).toEqual([[1], [2, 3, 4, 5]]);
  });

  it('splits what waits into batches of maxBatch, in arrival order', async () => {
    const { batch, batches, letFirstGo } = doubling({ maxBatch: 2 });
    const all = [1, 2, 3, 4, 5].map((n) => batch.submit(n));
    await letFirstGo();
    expect(await Promise.all(all)).toEqual([2, 4, 6, 8, 10]);
    expect(batches).toEqual([[1, 2], [3, 4], [5]]);
  });

  it("gives a failed statement's error to every caller of that batch only, and goes on", async () => {
    const { batch, letFirstGo } = doubling({ maxBatch: 2, fail: (items) => items.includes(3) });
    const all = [1, 2, 3, 4, 5].map((n) =>
      batch.submit(n).then(
        (v) => v,
        (e: unknown) => (e as Error).message,
      ),
    );
    await letFirstGo();
    expect(await Promise.all(all)).toEqual([
      2,
      4,
      'statement failed for 3,4',
      'statement failed for 3,4',
      10,
    ]);
    expect(await batch.submit(6)).toBe(12);
  });

  it('refuses a caller at once when maxWaiting callers wait already', async () => {
    const { batch, letFirstGo } = doubling({ maxBatch: 1, maxWaiting: 2 });
    const running = batch.submit(1);
    await new Promise((resolve) => setImmediate(resolve));
    const waiting = [batch.submit(2), batch.submit(3)];
    await expect(batch.submit(4)).rejects.toBeInstanceOf(Full);
    await letFirstGo();
    expect([await running, ...(await Promise.all(waiting))]).toEqual([2, 4, 6]);
  });

  it("runs its statement under no caller's statement timeout, whoever came first", async () => {
    const seen: number[] = [];
    const batch = new StatementBatch<number, number>(
      (items) => {
        seen.push(currentStatementTimeoutMs());
        return Promise.resolve(items);
      },
      { maxBatch: 10, maxWaiting: 10, full: () => new Full() },
    );
    const outside = currentStatementTimeoutMs();
    await withStatementTimeout(outside + 1_234, () => batch.submit(1));
    expect(seen).toEqual([outside]);
  });
});
