import { describe, expect, it } from 'vitest';
import { WorkGate, type Release } from './work-gate.js';

class Refused extends Error {
  constructor(readonly retryAfter: number) {
    super('refused');
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits until `ms` have passed by the clock the gate uses (timers may fire a little early). */
async function atLeast(ms: number): Promise<void> {
  const until = performance.now() + ms;
  while (performance.now() < until) await sleep(Math.max(1, until - performance.now()));
}

describe('work gate: controlled delay', () => {
  it('admits a burst that drains within the target, and refuses newcomers only while a queue stands', async () => {
    const gate = new WorkGate(
      { concurrency: 1, queueLimit: 100, targetDelayMs: 5, intervalMs: 20 },
      (seconds) => new Refused(seconds),
    );
    // A burst: many wait a moment, each served at once in turn; nothing is refused.
    const burst = await Promise.all(
      Array.from({ length: 10 }, async () => {
        const release = await gate.acquire();
        release();
        return 'served';
      }),
    );
    expect(burst).toEqual(Array.from({ length: 10 }, () => 'served'));
    expect(gate.refused).toEqual({ full: 0, delay: 0, stale: 0 });

    // A standing queue: the slot is held, waiters wait longer than the target.
    const first = await gate.acquire();
    const waiters: Promise<Release>[] = [gate.acquire(), gate.acquire(), gate.acquire()];
    await atLeast(15);
    first(); // the next waiter leaves the queue having waited over the target
    const second = await waiters[0];
    expect(gate.shedding).toBe(false); // not for a whole interval yet
    expect(gate.load).toEqual({ running: 1, waiting: 2 });
    await atLeast(25);
    expect(gate.shedding).toBe(true);
    await expect(gate.acquire()).rejects.toBeInstanceOf(Refused);
    expect(gate.refused.delay).toBe(1);
    // Signed-in callers are never refused.
    const signedIn = gate.acquire('signed-in');
    second?.();
    (await signedIn)();
    for (const waiter of waiters.slice(1)) (await waiter)();
    // The queue is empty again: a newcomer is admitted at once, and the standing state is over.
    expect(gate.shedding).toBe(false);
    (await gate.acquire())();
    expect(gate.load).toEqual({ running: 0, waiting: 0 });
  });

  it('refuses a waiter whose turn comes after the longest wait', async () => {
    const gate = new WorkGate({ concurrency: 1, queueLimit: 10, maxWaitMs: 10 }, (s) => new Refused(s));
    const first = await gate.acquire();
    const late = gate.acquire();
    await atLeast(15);
    first();
    await expect(late).rejects.toBeInstanceOf(Refused);
    expect(gate.refused.stale).toBe(1);
    expect(gate.load).toEqual({ running: 0, waiting: 0 });
  });

  it('serves suspect callers after the other anonymous ones, and refuses them first when the queue is full', async () => {
    const gate = new WorkGate({ concurrency: 1, queueLimit: 2 }, (s) => new Refused(s));
    const order: string[] = [];
    const first = await gate.acquire();
    const take = (name: string, priority: 'anonymous' | 'suspect') =>
      gate.acquire(priority).then(
        (release) => {
          order.push(name);
          release();
        },
        () => order.push(`${name} refused`),
      );
    const suspectA = take('suspect a', 'suspect');
    const suspectB = take('suspect b', 'suspect');
    // The queue is full: a suspect newcomer is refused, an anonymous one takes the newest suspect's place.
    const suspectC = take('suspect c', 'suspect');
    const clean = take('clean', 'anonymous');
    await Promise.all([suspectB, suspectC]);
    expect(order).toEqual(['suspect c refused', 'suspect b refused']);
    first();
    await Promise.all([suspectA, clean]);
    expect(order).toEqual(['suspect c refused', 'suspect b refused', 'clean', 'suspect a']);
  });
});
