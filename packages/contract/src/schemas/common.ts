import { z } from 'zod';
import { ERROR_CODES, type ErrorCode } from '../error-codes.js';

/** All ids are UUID strings. */
export const Id = z.uuid().describe('UUID');
export const IdParams = z.object({ id: Id });

export const Timestamp = z.iso.datetime({ offset: true }).describe('ISO 8601 date and time');

/** An optional help-desk ticket or change reference, recorded in the audit trail. */
export const Ticket = z
  .string()
  .trim()
  .max(200)
  .optional()
  .describe('Ticket or reason, recorded in the audit trail');

export const PageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});

export const ErrorBody = z.object({
  error: z.object({
    code: z.enum(Object.keys(ERROR_CODES) as [ErrorCode, ...ErrorCode[]]),
    message: z.string(),
  }),
  attemptsRemaining: z.number().int().optional().describe('attempts left, where the error is about attempts'),
  retryAfter: z
    .number()
    .int()
    .optional()
    .describe('seconds to wait before trying again (also sent as Retry-After), for locks and throttles'),
});
export type ErrorBody = z.infer<typeof ErrorBody>;

/** A single-field string that must not be blank once trimmed. */
export const NonBlank = (max: number) => z.string().trim().min(1).max(max);
