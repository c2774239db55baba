/**
 * The audit trail as a CSV download, streamed: events are read in batches (a cursor on PostgreSQL) and
 * written as the client takes them, so memory stays flat whatever the size of the trail. A few exports
 * may run at once per server; more get 429 `audit.export_busy` and try again later.
 */
import { PassThrough, type Readable } from 'node:stream';
import { AUDIT_EXPORT_SLOTS, type AuditQuery } from '@cardwarden/contract';
import { AppError } from '../errors.js';
import { forEachAuditBatch } from '../repositories/audit-export.repository.js';
import type { ServiceContext } from './context.js';
import { auditEventsToCsvRows, CSV_HEADER, resolveAuditFilter, toAuditEvent } from './audit.service.js';

/** Exports one server runs at once (the contract says how many, in the route's summary). */
export const EXPORT_SLOTS = AUDIT_EXPORT_SLOTS;
/** Seconds a refused export is asked to wait (Retry-After). */
export const EXPORT_RETRY_SECONDS = 30;
// Small batches keep the transient garbage of four concurrent exports well under their memory budget.
const BATCH = 250;

const running = new WeakMap<ServiceContext, number>();

class ExportAborted extends Error {
  override readonly name = 'ExportAborted';
}

/**
 * Starts an export and resolves with the CSV stream once the first batch is read (so a database that
 * is down still gives a proper error answer, not a broken download).
 * @throws AppError `audit.export_busy` when {@link EXPORT_SLOTS} exports are running.
 */
export async function startAuditExport(
  ctx: ServiceContext,
  query: Omit<AuditQuery, 'limit' | 'offset'>,
  options: { timeoutMs: number; onError: (error: unknown) => void },
): Promise<Readable> {
  const busy = running.get(ctx) ?? 0;
  if (busy >= EXPORT_SLOTS) {
    throw new AppError(
      'audit.export_busy',
      `${String(EXPORT_SLOTS)} audit exports are running; try again in ${String(EXPORT_RETRY_SECONDS)} seconds`,
    );
  }
  running.set(ctx, busy + 1);
  const release = (): void => {
    running.set(ctx, (running.get(ctx) ?? 1) - 1);
  };

  const out = new PassThrough();
  let closed = false;
  out.once('close', () => {
    closed = true;
  });
  let markStarted: () => void = () => undefined;
  const started = new Promise<void>((resolve) => {
    markStarted = resolve;
  });
  const waitForReader = (): Promise<void> =>
    new Promise((resolve) => {
      out.once('drain', resolve);
      out.once('close', resolve);
    });

  const pump = (async () => {
    const filter = await resolveAuditFilter(ctx, query);
    out.write(CSV_HEADER);
    let first = true;
    await forEachAuditBatch(
      ctx.db,
      filter,
      { batchSize: BATCH, max: Number.MAX_SAFE_INTEGER, timeoutMs: options.timeoutMs },
      async (events) => {
        if (closed) throw new ExportAborted('the client went away');
        const more = out.write(auditEventsToCsvRows(events.map(toAuditEvent)));
        if (first) {
          first = false;
          markStarted();
        }
        if (!more) await waitForReader();
      },
    );
  })();

  pump.then(
    () => {
      release();
      out.end();
    },
    (error: unknown) => {
      release();
      if (!(error instanceof ExportAborted)) options.onError(error);
      out.destroy(error instanceof Error ? error : new Error(String(error)));
    },
  );
  // The first batch read (or an empty trail), or the failure before it.
  await Promise.race([started, pump]);
  return out;
}
