import type { AuditAction, AuditActionDetails, AuditActorType } from '@cardwarden/contract';
import { and, count, desc, eq, gte, like, lte, sql, type SQL } from 'drizzle-orm';
import type { Database } from '../db/database.js';
import { escapeLike } from '../db/like.js';
import { auditEvents } from '../db/schema.js';

export type AuditDetails = Record<string, string | number | boolean | null>;

/** Details may be left out: none are defined (a record of nothing), or every one is optional. */
type DetailsOptional<D> = string extends keyof D ? true : object extends D ? true : false;

interface AuditEventFields {
  actor: string;
  actorType: AuditActorType;
  cardId?: string | null;
  userId?: string | null;
  sessionId?: string | null;
  ticket?: string | null;
}

/**
 * An audit event to write: an action of the contract's vocabulary (AUDIT_ACTIONS) with the details of
 * that action; details may be left out only where the action has no required detail.
 */
export type NewAuditEvent = {
  [A in AuditAction]: AuditEventFields & { action: A } & (DetailsOptional<AuditActionDetails<A>> extends true
      ? { details?: AuditActionDetails<A> }
      : { details: AuditActionDetails<A> });
}[AuditAction];

/**
 * `action` as a SQL string literal, for the fixed statements that write their audit event in the same
 * statement (offline-unblock.repository.ts): the action is still checked against the vocabulary, and
 * the statement's text stays constant (it is prepared once per connection).
 */
export function auditActionSql(action: AuditAction): string {
  if (!/^[a-z_]+\.[a-z_]+$/.test(action)) throw new Error(`not an audit action: ${action}`);
  return `'${action}'`;
}

export type AuditRecord = typeof auditEvents.$inferSelect;

export async function appendAuditEvent(db: Database, event: NewAuditEvent): Promise<void> {
  await appendAuditEvents(db, [event]);
}

/** Appends `events` in one statement, in their order (the chain links them as separate inserts would). */
export async function appendAuditEvents(db: Database, events: readonly NewAuditEvent[]): Promise<void> {
  if (events.length === 0) return;
  await db.insert(auditEvents).values(events.map((event) => ({ ...event, details: event.details ?? {} })));
}

export interface AuditFilter {
  cardId?: string | undefined;
  userId?: string | undefined;
  actor?: string | undefined;
  action?: string | undefined;
  from?: Date | undefined;
  to?: Date | undefined;
}

/** The SQL condition of `filter` (undefined: everything). */
export function auditWhere(filter: AuditFilter): SQL | undefined {
  const conditions: SQL[] = [];
  if (filter.cardId) conditions.push(eq(auditEvents.cardId, filter.cardId));
  if (filter.userId) conditions.push(eq(auditEvents.userId, filter.userId));
  if (filter.actor) conditions.push(sql`lower(${auditEvents.actor}) = lower(${filter.actor})`);
  if (filter.action) {
    conditions.push(
      filter.action.endsWith('.')
        ? like(auditEvents.action, `${escapeLike(filter.action)}%`)
        : eq(auditEvents.action, filter.action),
    );
  }
  if (filter.from) conditions.push(gte(auditEvents.at, filter.from));
  if (filter.to) conditions.push(lte(auditEvents.at, filter.to));
  return conditions.length > 0 ? and(...conditions) : undefined;
}

export async function queryAuditEvents(
  db: Database,
  filter: AuditFilter,
  page: { limit: number; offset: number },
): Promise<{ items: AuditRecord[]; total: number }> {
  const condition = auditWhere(filter);
  const items = await db
    .select()
    .from(auditEvents)
    .where(condition)
    .orderBy(desc(auditEvents.seq))
    .limit(page.limit)
    .offset(page.offset);
  const [totalRow] = await db.select({ n: count() }).from(auditEvents).where(condition);
  return { items, total: totalRow?.n ?? 0 };
}
