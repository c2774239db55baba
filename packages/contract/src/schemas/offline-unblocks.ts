import { z } from 'zod';
import { Ticket, Timestamp } from './common.js';

import { OFFLINE_UNBLOCK_STATES, OUTCOMES } from '../enums.js';

export const StartOfflineUnblockBody = z.object({ ticket: Ticket }).default({});

export const OfflineUnblockSession = z.object({
  id: z.string(),
  cardId: z.string(),
  cardSerial: z.string(),
  userId: z.string(),
  username: z.string().describe("the card holder's username"),
  userDisplayName: z.string().describe("the card holder's name"),
  operator: z.string().describe('the username of the operator who started it'),
  ticket: z.string().nullable(),
  state: z.enum(OFFLINE_UNBLOCK_STATES),
  challengeLength: z.number().int().describe('hex digits the challenge has for this card (16 or 32)'),
  attemptLimit: z.number().int(),
  attemptsRemaining: z.number().int(),
  responsesIssued: z.number().int(),
  approval: z.object({
    requiredForNextResponse: z
      .boolean()
      .describe('the next response is the last attempt: a supervisor must approve'),
    approvedBy: z.string().nullable(),
    approvedAt: Timestamp.nullable(),
  }),
  identity: z.object({
    required: z
      .boolean()
      .describe("the card's profile makes the operator check the caller's security answers"),
    verified: z.boolean(),
    questions: z
      .array(z.object({ id: z.string(), text: z.string() }))
      .describe('the questions to ask the caller'),
  }),
  createdAt: Timestamp,
  expiresAt: Timestamp,
  closedAt: Timestamp.nullable(),
  waitingSince: Timestamp.nullable().describe(
    'while the session waits for a supervisor to approve its last-attempt response: since when',
  ),
});
export type OfflineUnblockSession = z.infer<typeof OfflineUnblockSession>;

export const ChallengeBody = z.object({ challenge: z.string().max(200) });

export const ChallengeCorrection = z.object({ position: z.number().int(), from: z.string(), to: z.string() });

export const IssuedResponse = z.object({
  response: z.string().describe('E_K(challenge), upper-case hex'),
  responseGroups: z.array(z.string()),
  responsePhonetic: z.string(),
  challenge: z.string().describe('the challenge as read, upper-case hex'),
  challengeGroups: z.array(z.string()),
  corrections: z.array(ChallengeCorrection).describe('look-alike characters read as hex digits'),
  attemptsRemaining: z.number().int().describe('admin-key attempts left after this response'),
});
export type IssuedResponse = z.infer<typeof IssuedResponse>;

export const OutcomeBody = z.object({ result: z.enum(OUTCOMES), ticket: Ticket });
export type OutcomeBody = z.infer<typeof OutcomeBody>;

export const ApproveBody = z.object({ ticket: Ticket }).default({});

export const OfflineUnblockQuery = z.object({
  state: z.enum(OFFLINE_UNBLOCK_STATES).optional(),
  awaitingApproval: z
    .enum(['true', 'false'])
    .transform((value) => value === 'true')
    .optional()
    .describe(
      'only what waits now: per card, its newest open, unexpired session, when its next response is the last attempt and nobody approved it yet',
    ),
  cardId: z.uuid().optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

export const OfflineUnblockList = z.object({ items: z.array(OfflineUnblockSession) });
export type OfflineUnblockList = z.infer<typeof OfflineUnblockList>;

export const AnswerInput = z.object({ questionId: z.uuid(), answer: z.string().max(500) });
export const AnswersBody = z.object({ answers: z.array(AnswerInput).min(1).max(10) });
export type AnswersBody = z.infer<typeof AnswersBody>;
export const IdentityVerified = z.object({ verified: z.literal(true) });
