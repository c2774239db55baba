import { z } from 'zod';
import { Id, Ticket, Timestamp } from './common.js';
import { Username } from './operators.js';
import { ADMIN_KEY_ALGORITHMS, CARD_STATES, CARD_TYPES } from '../enums.js';

export const CardType = z.enum(CARD_TYPES);
export type CardType = z.infer<typeof CardType>;

/** A blocked PIN does not change this: a blocked card stays `active`, and is exactly the card to unblock. */
export const CardState = z.enum(CARD_STATES);
export type CardState = z.infer<typeof CardState>;

export const AdminKeyAlgorithm = z.enum(ADMIN_KEY_ALGORITHMS);

export const CardSerial = z
  .string()
  .trim()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9._:-]+$/, 'serial may contain letters, digits and . _ : - only');

export const AdminKeyInput = z.union([
  z.object({
    algorithm: AdminKeyAlgorithm,
    key: z.string().trim().min(1).max(200).describe('the admin key in hex; spaces allowed'),
  }),
  z.object({ algorithm: AdminKeyAlgorithm, generate: z.literal(true) }),
  z.object({
    algorithm: AdminKeyAlgorithm,
    derive: z
      .literal(true)
      .describe(
        "derived from the profile's current master; only under a profile whose adminKeySource is derived",
      ),
  }),
]);
export type AdminKeyInput = z.infer<typeof AdminKeyInput>;

export const RegisterCardBody = z.object({
  serial: CardSerial,
  username: Username,
  profile: z.string().trim().min(1).max(100).describe("the card profile's name"),
  type: CardType,
  adminKey: AdminKeyInput,
});
export type RegisterCardBody = z.infer<typeof RegisterCardBody>;

export const RegisterCardResponse = z.object({
  id: z.string(),
  adminKeyKcv: z.string().describe('key check value: first 3 bytes of E_K(0…0), 6 upper-case hex digits'),
  adminKeyWarning: z.string().nullable().describe('set when the key is weak, e.g. 3DES that is single DES'),
  generatedAdminKey: z
    .string()
    .nullable()
    .describe(
      'only when the server generated the key: the key in hex, shown this once for the tool that personalises the card; null for an imported key',
    ),
});
export type RegisterCardResponse = z.infer<typeof RegisterCardResponse>;

export const UpdateCardBody = z
  .object({ state: CardState, profile: z.string().trim().min(1).max(100), ticket: z.string().max(200) })
  .partial();
export type UpdateCardBody = z.infer<typeof UpdateCardBody>;

/** Why an offline unblock is not available, as an error code the clients already translate. */
export const UNAVAILABLE_REASONS = [
  'card.not_active',
  'user.not_active',
  'offline_unblock.disabled',
  'offline_unblock.use_case_disabled',
  'admin_key.blocked',
  'offline_unblock.attempts_exhausted',
  'self_service.last_attempt',
] as const;
export type UnavailableReason = (typeof UNAVAILABLE_REASONS)[number];

export const Availability = z.object({
  available: z.boolean(),
  reason: z.enum(UNAVAILABLE_REASONS).nullable(),
  message: z.string().nullable(),
  identityCheck: z
    .boolean()
    .describe("the help desk must check the caller's security answers before a response"),
});
export type Availability = z.infer<typeof Availability>;

export const AdminKeyStatus = z.object({
  algorithm: AdminKeyAlgorithm,
  challengeLength: z
    .number()
    .int()
    .describe('hex digits of the challenge this card shows for its admin key (16 for 3DES, 32 for AES)'),
  kcv: z.string(),
  blocked: z
    .boolean()
    .describe('the card reported a failure on its last admin-key attempt: the key is blocked on the card'),
  attemptLimit: z.number().int(),
  attemptsUsed: z.number().int().describe('responses issued since the last confirmed unblock'),
  attemptsRemaining: z.number().int(),
});

export const CardSummary = z.object({
  id: z.string(),
  serial: z.string(),
  type: CardType,
  state: CardState,
  userId: z.string(),
  profile: z.object({ id: z.string(), name: z.string() }),
  adminKey: AdminKeyStatus,
  offlineUnblock: Availability,
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
export type CardSummary = z.infer<typeof CardSummary>;

export const CardDetail = CardSummary.extend({
  user: z.object({ id: z.string(), username: z.string(), displayName: z.string(), state: z.string() }),
});
export type CardDetail = z.infer<typeof CardDetail>;

export const CardSearchQuery = z.object({
  serial: z
    .string()
    .trim()
    .max(64)
    .optional()
    .describe(
      'serial or part of it, any case: 3 or more characters with a letter or digit match anywhere, other terms the start',
    ),
  userId: Id.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});

export const CardList = z.object({
  items: z.array(CardDetail),
  total: z.number().int().describe('matching cards, counted up to 100'),
  totalCapped: z
    .boolean()
    .describe('true when more than 100 cards match: `total` then stops at 100; type more to narrow it down'),
});
export type CardList = z.infer<typeof CardList>;

/** A new admin key for a registered card (re-keyed by the personalisation tool): imported or generated. */
export const ReplaceAdminKeyBody = z.object({
  adminKey: AdminKeyInput,
  reason: z.string().trim().min(1, 'give the reason for the new key').max(500),
  ticket: Ticket,
});
export type ReplaceAdminKeyBody = z.infer<typeof ReplaceAdminKeyBody>;

/** Resetting the server's admin-key attempt count is risky: it needs a reason, kept in the audit trail. */
export const ResetAttemptsBody = z.object({
  reason: z
    .string()
    .trim()
    .min(1, 'give the reason for resetting the count')
    .max(500)
    .describe('why the card is known to have its attempts, recorded in the audit trail'),
  ticket: Ticket,
});
export type ResetAttemptsBody = z.infer<typeof ResetAttemptsBody>;

/** The key check value of an admin key, for checking a typed key before registering it. */
export const AdminKeyCheckBody = z.object({
  algorithm: AdminKeyAlgorithm,
  key: z.string().trim().min(1).max(200).describe('the admin key in hex; spaces, colons and dashes allowed'),
});
export type AdminKeyCheckBody = z.infer<typeof AdminKeyCheckBody>;

export const AdminKeyCheckResponse = z.object({
  kcv: z.string().describe('key check value: first 3 bytes of E_K(0…0), 6 upper-case hex digits'),
  warning: z.string().nullable().describe('set when the key is weak, e.g. 3DES that is single DES'),
});
export type AdminKeyCheckResponse = z.infer<typeof AdminKeyCheckResponse>;
