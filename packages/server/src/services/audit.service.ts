import type { AuditEvent, AuditQuery } from '@cardwarden/contract';
import { queryAuditEvents, type AuditRecord } from '../repositories/audit.repository.js';
import type { ServiceContext } from './context.js';
import { iso } from './views.js';

function toAuditEvent(event: AuditRecord): AuditEvent {
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

export async function findAuditEvents(
  ctx: ServiceContext,
  query: AuditQuery,
): Promise<{ items: AuditEvent[]; total: number }> {
  const { items, total } = await queryAuditEvents(
    ctx.db,
    {
      cardId: query.cardId,
      userId: query.userId,
      actor: query.actor,
      action: query.action,
      from: query.from ? new Date(query.from) : undefined,
      to: query.to ? new Date(query.to) : undefined,
    },
    { limit: query.limit, offset: query.offset },
  );
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

export function auditEventsToCsv(events: readonly AuditEvent[]): string {
  const lines = [CSV_COLUMNS.join(',')];
  for (const event of events) {
    lines.push(
      CSV_COLUMNS.map((column) =>
        csvCell(column === 'details' ? JSON.stringify(event.details) : event[column]),
      ).join(','),
    );
  }
  return `${lines.join('\r\n')}\r\n`;
}
