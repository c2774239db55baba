/**
 * Reading the audit trail in batches for the CSV export, in constant memory whatever its size.
 * PostgreSQL: a cursor in a read-only transaction (one consistent snapshot, FETCH by batch). The
 * embedded database serves one transaction at a time, so a long one would stall every other request:
 * there, keyset pages (seq below the last one seen), each its own short query.
 */
import { and, desc, lt, sql } from 'drizzle-orm';
import { isEmbedded, type Database } from '../db/database.js';
import { auditEvents } from '../db/schema.js';
import { auditWhere, type AuditFilter, type AuditRecord } from './audit.repository.js';

const CURSOR = 'cardwarden_audit_export';

/** A row as FETCH returns it (column names as in the table). */
interface RawAuditRow {
  id: string;
  seq: string | number;
  at: Date | string;
  actor: string;
  actor_type: AuditRecord['actorType'];
  action: string;
  card_id: string | null;
  user_id: string | null;
  session_id: string | null;
  ticket: string | null;
  details: AuditRecord['details'];
}

function fromRaw(row: RawAuditRow): AuditRecord {
  return {
    id: row.id,
    seq: Number(row.seq),
    at: row.at instanceof Date ? row.at : new Date(row.at),
    actor: row.actor,
    actorType: row.actor_type,
    action: row.action,
    cardId: row.card_id,
    userId: row.user_id,
    sessionId: row.session_id,
    ticket: row.ticket,
    details: row.details,
    chain: 0,
    chainPos: 0,
    prevHash: '',
    hash: '',
  };
}

/**
 * Hands the events matching `filter`, newest first, to `onBatch` in batches of `batchSize`; stops
 * after `max` events. `timeoutMs` bounds the whole read on PostgreSQL (the transaction's statements and
 * the time it may wait for a slow reader).
 */
export async function forEachAuditBatch(
  db: Database,
  filter: AuditFilter,
  options: { batchSize: number; max: number; timeoutMs: number },
  onBatch: (events: AuditRecord[]) => Promise<void>,
): Promise<void> {
  let remaining = options.max;
  const condition = auditWhere(filter);
  if (isEmbedded(db)) {
    let before: number | undefined;
    while (remaining > 0) {
      const page = await db
        .select()
        .from(auditEvents)
        .where(and(condition, before === undefined ? undefined : lt(auditEvents.seq, before)))
        .orderBy(desc(auditEvents.seq))
        .limit(Math.min(options.batchSize, remaining));
      if (page.length === 0) return;
      remaining -= page.length;
      before = page.at(-1)?.seq;
      await onBatch(page);
    }
    return;
  }
  await db.transaction(
    async (tx) => {
      const seconds = `${String(Math.ceil(options.timeoutMs / 1000))}s`;
      await tx.execute(sql`select set_config('statement_timeout', ${seconds}, true)`);
      await tx.execute(sql`select set_config('idle_in_transaction_session_timeout', ${seconds}, true)`);
      const query = tx.select().from(auditEvents).where(condition).orderBy(desc(auditEvents.seq));
      await tx.execute(sql`declare ${sql.identifier(CURSOR)} no scroll cursor for ${query}`);
      while (remaining > 0) {
        // Both drivers answer { rows }; the shared Database type does not say so.
        const result: unknown = await tx.execute(
          sql`fetch forward ${sql.raw(String(Math.min(options.batchSize, remaining)))} from ${sql.identifier(CURSOR)}`,
        );
        const fetched = result as { rows: RawAuditRow[] };
        if (fetched.rows.length === 0) return;
        remaining -= fetched.rows.length;
        await onBatch(fetched.rows.map(fromRaw));
      }
    },
    { accessMode: 'read only' },
  );
}
