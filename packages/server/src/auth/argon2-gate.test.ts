import { describe, expect, it } from 'vitest';
import { AppError } from '../errors.js';
import { argon2Busy, createArgon2Gate, defaultArgon2GateOptions } from './argon2-gate.js';
import { WorkGate } from './work-gate.js';

/** A task that finishes when its `finish` is called, noting when it started. */
function controlled(log: string[], name: string) {
  let finish!: () => void;
  const done = new Promise<void>((resolve) => {
    finish = resolve;
  });
  return {
    task: async () => {
      log.push(`start ${name}`);
      await done;
      log.push(`end ${name}`);
      return name;
    },
    finish: () => {
      finish();
    },
  };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('argon2 gate', () => {
  it('sizes itself from the cores: one slot in two, eight waiting per slot', () => {
    expect(defaultArgon2GateOptions(2)).toEqual({ concurrency: 1, queueLimit: 8 });
    expect(defaultArgon2GateOptions(1)).toEqual({ concurrency: 1, queueLimit: 8 });
    expect(defaultArgon2GateOptions(8)).toEqual({ concurrency: 4, queueLimit: 32 });
  });

  it('runs at most `concurrency` tasks at once, the others in arrival order', async () => {
    const gate = createArgon2Gate({ concurrency: 2, queueLimit: 10 });
    const log: string[] = [];
    const tasks = ['a', 'b', 'c', 'd'].map((name) => controlled(log, name));
    const results = tasks.map((t) => gate.run(t.task));
    await tick();
    expect(log).toEqual(['start a', 'start b']);
    expect(gate.load).toEqual({ running: 2, waiting: 2 });
    tasks[1]?.finish();
    await tick();
    expect(log).toEqual(['start a', 'start b', 'end b', 'start c']);
    tasks[0]?.finish();
    tasks[2]?.finish();
    await tick();
    tasks[3]?.finish();
    expect(await Promise.all(results)).toEqual(['a', 'b', 'c', 'd']);
    expect(log.filter((line) => line.startsWith('start'))).toEqual([
      'start a',
      'start b',
      'start c',
      'start d',
    ]);
    expect(gate.load).toEqual({ running: 0, waiting: 0 });
  });

  it('refuses an anonymous task at once with 429 auth.rate_limited and a Retry-After when the queue is full', async () => {
    const gate = createArgon2Gate({ concurrency: 1, queueLimit: 2 });
    const log: string[] = [];
    const tasks = ['a', 'b', 'c'].map((name) => controlled(log, name));
    const admitted = tasks.map((t) => gate.run(t.task));
    let ran = false;
    const refused = await gate
      .run(() => {
        ran = true;
        return Promise.resolve('never');
      })
      .catch((error: unknown) => error);
    expect(ran).toBe(false);
    expect(refused).toBeInstanceOf(AppError);
    const error = refused as AppError;
    expect(error.code).toBe('auth.rate_limited');
    expect(error.status).toBe(429);
    expect(error.extra.retryAfter).toBeGreaterThanOrEqual(1);
    expect(error.message).toMatch(/wait \d+ seconds? and try again/);
    for (const t of tasks) t.finish();
    expect(await Promise.all(admitted)).toEqual(['a', 'b', 'c']);
    // Room again: the next one runs.
    expect(await gate.run(() => Promise.resolve('later'))).toBe('later');
  });

  it('a failing task gives its slot back and its error to its caller only', async () => {
    const gate = createArgon2Gate({ concurrency: 1, queueLimit: 1 });
    const failing = gate.run(async () => {
      await tick();
      throw new Error('boom');
    });
    const next = gate.run(() => Promise.resolve('next'));
    await expect(failing).rejects.toThrow('boom');
    expect(await next).toBe('next');
    expect(gate.load).toEqual({ running: 0, waiting: 0 });
  });

  it('lets signed-in callers wait ahead of anonymous ones, and never refuses them', async () => {
    const gate = createArgon2Gate({ concurrency: 1, queueLimit: 1 });
    const log: string[] = [];
    const first = controlled(log, 'first');
    const anonymous = controlled(log, 'anonymous');
    const staff = controlled(log, 'staff');
    const extraStaff = controlled(log, 'staff2');
    const running = [
      gate.run(first.task),
      gate.run(anonymous.task),
      gate.run(staff.task, 'signed-in'),
      gate.run(extraStaff.task, 'signed-in'),
    ];
    // The anonymous queue (1) is full: another anonymous task is refused, the staff ones were not.
    await expect(gate.run(() => Promise.resolve('x'))).rejects.toMatchObject({ code: 'auth.rate_limited' });
    for (const t of [first, staff, extraStaff, anonymous]) {
      t.finish();
      await tick();
    }
    await Promise.all(running);
    expect(log.filter((line) => line.startsWith('start'))).toEqual([
      'start first',
      'start staff',
      'start staff2',
      'start anonymous',
    ]);
  });

  it('announces a wait that grows with the queue ahead', async () => {
    const slow = new WorkGate({ concurrency: 1, queueLimit: 0 }, argon2Busy, 3_000);
    const blocker = controlled([], 'blocker');
    const running = slow.run(blocker.task);
    await expect(slow.run(() => Promise.resolve(1))).rejects.toMatchObject({ extra: { retryAfter: 3 } });
    blocker.finish();
    await running;
  });

  it('a queue limit of 0 refuses whenever every slot is busy', async () => {
    const gate = createArgon2Gate({ concurrency: 1, queueLimit: 0 });
    const blocker = controlled([], 'blocker');
    const running = gate.run(blocker.task);
    await expect(gate.run(() => Promise.resolve(1))).rejects.toMatchObject({ code: 'auth.rate_limited' });
    blocker.finish();
    await running;
    expect(() => createArgon2Gate({ concurrency: 0, queueLimit: 1 })).toThrow(RangeError);
  });
});
