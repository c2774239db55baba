import { z } from 'zod';
import { Id, Timestamp } from './common.js';
import { AUDIT_ACTOR_TYPES } from '../enums.js';

export const AuditDetails = z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()]));

export const AuditEvent = z.object({
  id: z.string(),
  at: Timestamp,
  actor: z.string().describe("the operator's or cardholder's username, or 'system'"),
  actorType: z.enum(AUDIT_ACTOR_TYPES),
  action: z.string(),
  cardId: z.string().nullable(),
  userId: z.string().nullable(),
  sessionId: z.string().nullable(),
  ticket: z.string().nullable(),
  details: AuditDetails,
});
export type AuditEvent = z.infer<typeof AuditEvent>;

export const AuditQuery = z.object({
  cardId: Id.optional(),
  userId: Id.optional(),
  actor: z.string().trim().max(200).optional(),
  username: z.string().trim().max(200).optional().describe("the cardholder's username (instead of userId)"),
  cardSerial: z
    .string()
    .trim()
    .max(64)
    .optional()
    .describe("the card's serial, any case (instead of cardId)"),
  action: z
    .string()
    .trim()
    .max(100)
    .optional()
    .describe('an action, or a prefix ending in a dot, e.g. "card."'),
  from: Timestamp.optional(),
  to: Timestamp.optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  offset: z.coerce.number().int().min(0).max(10_000_000).default(0),
});
export type AuditQuery = z.infer<typeof AuditQuery>;

/** The filters of the CSV export: all of the trail that matches, no page. */
export const AuditExportQuery = AuditQuery.omit({ limit: true, offset: true });
export type AuditExportQuery = z.infer<typeof AuditExportQuery>;

/** Audit exports one server runs at once; more are refused 429 `audit.export_busy`. */
export const AUDIT_EXPORT_SLOTS = 4;

export const AuditList = z.object({ items: z.array(AuditEvent), total: z.number().int() });
export type AuditList = z.infer<typeof AuditList>;
