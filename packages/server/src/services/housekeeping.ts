/**
 * Periodic clean-up of tables that would otherwise only grow: rate-limit counters of past windows and
 * sign-in tokens dead for a day. Runs at start and every ten minutes; a database that does not answer
 * skips a round.
 */
import type { Database } from '../db/database.js';
import { deleteStaleRateLimits } from '../repositories/rate-limit-pruning.repository.js';
import { deleteDeadTokens } from '../repositories/token.repository.js';

const INTERVAL_MS = 10 * 60_000;
/** Longer than any rate-limit window in use (the longest configurable one is a day). */
const RATE_LIMIT_RETENTION_HOURS = 25;

export class Housekeeping {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly db: Database,
    private readonly log: { warn(details: Record<string, unknown>, message: string): void },
  ) {}

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.runOnce(), INTERVAL_MS);
    this.timer.unref();
    void this.runOnce();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** One round, after the one in progress (if any) has finished. */
  async runOnce(): Promise<void> {
    await this.running;
    const round = this.round();
    this.running = round;
    await round;
  }

  private async round(): Promise<void> {
    try {
      await deleteStaleRateLimits(this.db, RATE_LIMIT_RETENTION_HOURS);
      await deleteDeadTokens(this.db);
    } catch (error) {
      this.log.warn({ err: error }, 'housekeeping skipped: the database did not answer');
    }
  }
}
