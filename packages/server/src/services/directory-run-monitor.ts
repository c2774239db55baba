/**
 * What the directory sync on this server is doing now and how its last run ended, for the console's
 * progress display. In memory: a run belongs to the process that runs it; the last completed run of any
 * instance is also in the audit trail, which the status falls back to.
 */
import type { DirectoryLastRun, DirectoryRunProgress, DirectorySyncResult } from '@cardwarden/contract';
import { AppError } from '../errors.js';

type Phase = DirectoryRunProgress['phase'];
type Trigger = DirectoryRunProgress['trigger'];

/** The handle one run reports through. */
export interface RunReport {
  phase(phase: Phase): void;
  entriesRead(count: number): void;
}

export class DirectoryRunMonitor {
  private current: DirectoryRunProgress | null = null;
  private last: DirectoryLastRun | null = null;

  get running(): DirectoryRunProgress | null {
    return this.current;
  }

  get lastRun(): DirectoryLastRun | null {
    return this.last;
  }

  /**
   * Runs `work`, recording its progress. Dry runs are shown while they run but are not "the last run"
   * when they end: they changed nothing.
   */
  async track(
    who: { trigger: Trigger; actor: string },
    dryRun: boolean,
    work: (report: RunReport) => Promise<DirectorySyncResult>,
  ): Promise<DirectorySyncResult> {
    const progress: { -readonly [K in keyof DirectoryRunProgress]: DirectoryRunProgress[K] } = {
      trigger: who.trigger,
      dryRun,
      phase: 'reading users',
      entriesRead: 0,
      startedAt: new Date().toISOString(),
    };
    // A dry run beside a real one must not hide the real one's progress.
    const shown = this.current === null || !dryRun;
    if (shown) this.current = progress;
    const finish = (outcome: Pick<DirectoryLastRun, 'outcome' | 'result' | 'error'>) => {
      if (this.current === progress) this.current = null;
      if (!dryRun) {
        this.last = {
          trigger: who.trigger,
          actor: who.actor,
          finishedAt: new Date().toISOString(),
          ...outcome,
        };
      }
    };
    try {
      const result = await work({
        phase: (phase) => {
          progress.phase = phase;
        },
        entriesRead: (count) => {
          progress.entriesRead = count;
        },
      });
      const { changes: _changes, changesTruncated: _truncated, ...counts } = result;
      finish({ outcome: 'completed', result: counts });
      return result;
    } catch (error) {
      finish({
        outcome: 'failed',
        error:
          error instanceof AppError
            ? { code: error.code, message: error.message }
            : { code: 'internal.error', message: 'the sync failed unexpectedly: see the server log' },
      });
      throw error;
    }
  }
}
