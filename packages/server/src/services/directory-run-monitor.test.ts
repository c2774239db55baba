import { describe, expect, it } from 'vitest';
import type { DirectorySyncResult } from '@cardwarden/contract';
import { AppError } from '../errors.js';
import { DirectoryRunMonitor } from './directory-run-monitor.js';

const result: DirectorySyncResult = {
  created: 1,
  updated: 2,
  suspended: 3,
  unchanged: 4,
  skipped: 0,
  operators: { created: 0, updated: 0, disabled: 0, unchanged: 0, skipped: 0 },
  dryRun: false,
  durationMs: 5,
};

describe('DirectoryRunMonitor', () => {
  it('shows a run while it works, then keeps how it ended', async () => {
    const monitor = new DirectoryRunMonitor();
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const run = monitor.track({ trigger: 'operator', actor: 'alice' }, false, async (report) => {
      report.entriesRead(500);
      report.phase('writing');
      await gate;
      return { ...result, changes: [], changesTruncated: false };
    });
    await Promise.resolve();
    expect(monitor.running).toMatchObject({ phase: 'writing', entriesRead: 500, trigger: 'operator' });
    release();
    await run;
    expect(monitor.running).toBeNull();
    expect(monitor.lastRun).toMatchObject({ outcome: 'completed', actor: 'alice', result: { suspended: 3 } });
    expect(monitor.lastRun?.result).not.toHaveProperty('changes');
  });

  it('records a failure with its code, and a dry run never becomes the last run', async () => {
    const monitor = new DirectoryRunMonitor();
    await expect(
      monitor.track({ trigger: 'scheduler', actor: 'scheduler' }, false, () =>
        Promise.reject(new AppError('directory.unavailable', 'the directory did not answer')),
      ),
    ).rejects.toThrow(AppError);
    expect(monitor.lastRun).toMatchObject({
      outcome: 'failed',
      trigger: 'scheduler',
      error: { code: 'directory.unavailable', message: 'the directory did not answer' },
    });
    await monitor.track({ trigger: 'operator', actor: 'bob' }, true, () => Promise.resolve(result));
    expect(monitor.lastRun?.outcome).toBe('failed');
    await expect(
      monitor.track({ trigger: 'operator', actor: 'bob' }, false, () => Promise.reject(new Error('bug'))),
    ).rejects.toThrow('bug');
    // An unexpected error is not described to the console: the log has it.
    expect(monitor.lastRun?.error).toEqual({
      code: 'internal.error',
      message: 'the sync failed unexpectedly: see the server log',
    });
  });

  it('a dry run beside a real one does not hide the real one', async () => {
    const monitor = new DirectoryRunMonitor();
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const real = monitor.track({ trigger: 'scheduler', actor: 'scheduler' }, false, async () => {
      await gate;
      return result;
    });
    const dry = monitor.track({ trigger: 'operator', actor: 'bob' }, true, () => Promise.resolve(result));
    await dry;
    expect(monitor.running).toMatchObject({ trigger: 'scheduler', dryRun: false });
    release();
    await real;
    expect(monitor.running).toBeNull();
  });
});
