/**
 * Periodic clean-up of tables that would otherwise only grow: rate-limit counters of past windows,
 * sign-in tokens dead for a day, sign-in throttles whose failures are forgotten (after a day) and records
 * of responses older than the 24 h response budget, and expired single sign-on state (sso_pending). Runs at start and every ten minutes; a database that does not answer
 * skips a round.
 */
import type { Database } from '../db/database.js';
import { deleteStaleRateLimits } from '../repositories/rate-limit-pruning.repository.js';
import { deleteDeadTokens } from '../repositories/token.repository.js';
import { deleteStaleSignInThrottles } from '../repositories/sign-in-throttle.repository.js';
import { RESPONSE_BUDGET_HOURS } from '@cardwarden/contract/policy';
import { deleteExpiredResponseRecords } from '../repositories/admin-key.repository.js';
import { deleteExpiredSsoPending } from '../repositories/sso-pending.repository.js';

const INTERVAL_MS = 10 * 60_000;
/** Longer than any rate-limit window in use (the longest configurable one is a day). */
const RATE_LIMIT_RETENTION_HOURS = 25;
/** Sign-in failures are forgotten after a day (sign-in-throttle.repository.ts); an hour's margin. */
const SIGN_IN_THROTTLE_RETENTION_HOURS = 25;
/** The response budget counts the last 24 hours; an hour's margin. */
const RESPONSE_RECORD_RETENTION_HOURS = RESPONSE_BUDGET_HOURS + 1;

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
      await deleteStaleSignInThrottles(this.db, SIGN_IN_THROTTLE_RETENTION_HOURS);
      await deleteExpiredResponseRecords(this.db, RESPONSE_RECORD_RETENTION_HOURS);
      await deleteExpiredSsoPending(this.db);
    } catch (error) {
      this.log.warn({ err: error }, 'housekeeping skipped: the database did not answer');
    }
  }
}
