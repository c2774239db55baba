import type { AuditEvent, AuditQuery } from '@cardwarden/contract';
import { queryAuditEvents, type AuditFilter, type AuditRecord } from '../repositories/audit.repository.js';
import { findCardBySerial } from '../repositories/card.repository.js';
import { findUserByUsername } from '../repositories/user.repository.js';
import type { ServiceContext } from './context.js';
import { iso } from './views.js';

export function toAuditEvent(event: AuditRecord): AuditEvent {
  return {
    id: event.id,
    at: iso(event.at),
    actor: event.actor,
    actorType: event.actorType,
    action: event.action,
    cardId: event.cardId,
    userId: event.userId,
    sessionId: event.sessionId,
    ticket: event.ticket,
    details: event.details,
  };
}

/** No id matches this, so a filter by an unknown username or serial finds nothing. */
const NOTHING = '00000000-0000-0000-0000-000000000000';

/** The repository filter of a query: people filter by username and serial, the trail stores ids. */
export async function resolveAuditFilter(
  ctx: ServiceContext,
  query: Omit<AuditQuery, 'limit' | 'offset'>,
): Promise<AuditFilter> {
  const userId = query.username
    ? ((await findUserByUsername(ctx.db, query.username))?.id ?? NOTHING)
    : query.userId;
  const cardId = query.cardSerial
    ? ((await findCardBySerial(ctx.db, query.cardSerial))?.id ?? NOTHING)
    : query.cardId;
  return {
    cardId,
    userId,
    actor: query.actor,
    action: query.action,
    from: query.from ? new Date(query.from) : undefined,
    to: query.to ? new Date(query.to) : undefined,
  };
}

export async function findAuditEvents(
  ctx: ServiceContext,
  query: AuditQuery,
): Promise<{ items: AuditEvent[]; total: number }> {
  const { items, total } = await queryAuditEvents(ctx.db, await resolveAuditFilter(ctx, query), {
    limit: query.limit,
    offset: query.offset,
  });
  return { items: items.map(toAuditEvent), total };
}

const CSV_COLUMNS = [
  'at',
  'actor',
  'actorType',
  'action',
  'cardId',
  'userId',
  'sessionId',
  'ticket',
  'details',
] as const;

/** RFC 4180 quoting; a leading = + - @ is prefixed with ' so spreadsheets do not run it as a formula. */
function csvCell(value: string | null): string {
  if (value === null) return '';
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** The CSV header line, CRLF-terminated. */
export const CSV_HEADER = `${CSV_COLUMNS.join(',')}\r\n`;

/** CSV lines of `events`, each CRLF-terminated (no header). */
export function auditEventsToCsvRows(events: readonly AuditEvent[]): string {
  return events
    .map(
      (event) =>
        `${CSV_COLUMNS.map((column) =>
          csvCell(column === 'details' ? JSON.stringify(event.details) : event[column]),
        ).join(',')}\r\n`,
    )
    .join('');
}
