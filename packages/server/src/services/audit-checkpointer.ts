/**
 * Run-time watch over the audit chains: at start and every few minutes, verifies what was added since
 * the last look and writes a checkpoint of every chain head to the log (info). A rewrite of the whole
 * table, hashes recomputed, still shows: the logged heads no longer match (`audit-verify` prints the
 * current ones). A broken chain is logged at error level; the server keeps serving.
 */
import type { Database } from '../db/database.js';
import { chainStarts, describeBreak, verifyAuditChains, type ChainMark } from './audit-chain.service.js';

export interface CheckpointLog {
  info(details: Record<string, unknown>, message: string): void;
  error(details: Record<string, unknown>, message: string): void;
  warn(details: Record<string, unknown>, message: string): void;
}

export class AuditCheckpointer {
  private marks: ChainMark[] = chainStarts();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly db: Database,
    private readonly log: CheckpointLog,
    private readonly intervalMs: number,
  ) {}

  /** Checks every chain from its start now (in the background), then what is new at each interval. */
  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      void this.checkpoint();
    }, this.intervalMs);
    this.timer.unref();
    void this.checkpoint();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** One verification and checkpoint, after the one in progress (if any) has finished. */
  async checkpoint(): Promise<void> {
    await this.running;
    const round = this.verifyAndLog();
    this.running = round;
    await round;
  }

  private async verifyAndLog(): Promise<void> {
    try {
      const report = await verifyAuditChains(this.db, this.marks);
      for (const item of report.breaks) {
        this.log.error({ auditChainBreak: item }, `audit chain broken: ${describeBreak(item)}`);
      }
      // A broken chain's mark stays at its last good event: the break is found (and logged) again next time.
      this.marks = [...report.heads];
      this.log.info(
        {
          auditCheckpoint: report.heads.map(({ chain, pos, hash, lastId }) => ({ chain, pos, lastId, hash })),
        },
        `audit chain checkpoint: ${String(report.events)} new event(s) verified, ${String(report.breaks.length)} problem(s)`,
      );
    } catch (error) {
      this.log.warn({ err: error }, 'audit chain checkpoint skipped: the database did not answer');
    }
  }
}
