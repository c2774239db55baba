import { and, count, desc, eq, gte, like, lte, sql, type SQL } from 'drizzle-orm';
import type { AuditActorType } from '@cardwarden/contract';
import type { Database } from '../db/database.js';
import { escapeLike } from '../db/like.js';
import { auditEvents } from '../db/schema.js';

export type AuditDetails = Record<string, string | number | boolean | null>;

export interface NewAuditEvent {
  actor: string;
  actorType: AuditActorType;
  action: string;
  cardId?: string | null;
  userId?: string | null;
  sessionId?: string | null;
  ticket?: string | null;
  details?: AuditDetails;
}

export type AuditRecord = typeof auditEvents.$inferSelect;

export async function appendAuditEvent(db: Database, event: NewAuditEvent): Promise<void> {
  await db.insert(auditEvents).values({ ...event, details: event.details ?? {} });
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
