import { z } from 'zod';
import { CardSerial } from './cards.js';
import { OUTCOMES } from '../enums.js';
import { AnswerInput } from './offline-unblocks.js';
import { PinRules } from './profiles.js';
import { Timestamp } from './common.js';

export const StartOnlineUnlockBody = z.object({
  cardSerial: CardSerial,
  /** The proof of a fresh SSO sign-in (`cardwarden-unlock online --sso`), when the profile requires one. */
  ssoStepUp: z.string().max(200).optional(),
});

export const OnlineUnlockSession = z.object({
  id: z.string(),
  questions: z.array(z.object({ id: z.string(), text: z.string() })),
  pinRules: PinRules,
  challengeLength: z.number().int(),
  answerAttemptsRemaining: z
    .number()
    .int()
    .describe('wrong answers left before the cardholder is locked out'),
  expiresAt: Timestamp,
  hostChallenge: z
    .string()
    .regex(/^[0-9A-F]{32}$/)
    .nullable()
    .describe(
      'R1 of GIDS mutual authentication (32 hex digits) when the card can prove the unblock that way, else null',
    ),
});
export type OnlineUnlockSession = z.infer<typeof OnlineUnlockSession>;

export const OnlineUnlockResponseBody = z.object({
  answers: z.array(AnswerInput).min(1).max(10),
  challenge: z.string().max(200),
});

export const OnlineUnlockResponse = z.object({
  response: z.string(),
  responseGroups: z.array(z.string()),
  adminKeyAttemptsRemaining: z.number().int(),
});
export type OnlineUnlockResponse = z.infer<typeof OnlineUnlockResponse>;

export const OnlineUnlockOutcomeBody = z.object({ result: z.enum(OUTCOMES) });

/** The outcome as recorded. */
export const OnlineUnlockOutcome = z.object({ result: z.enum(['unblocked', 'failed']) });
export type OnlineUnlockOutcome = z.infer<typeof OnlineUnlockOutcome>;

export const PinPolicyQuery = z.object({ serial: CardSerial });

/**
 * The PIN rules a new PIN must keep, looked up by card serial for `cardwarden-unlock offline --server`.
 * An unknown serial gets the default profile's rules in the same shape, so the answer does not tell whether
 * a serial is registered.
 */
export const PinPolicy = z.object({
  pinRules: PinRules,
  maxPinAttempts: z.number().int().describe('wrong PINs the card allows before it blocks the PIN'),
});
export type PinPolicy = z.infer<typeof PinPolicy>;
const Hex = (digits: number, what: string) =>
  z
    .string()
    .regex(new RegExp(`^[0-9A-Fa-f]{${digits}}$`), `${what} must be ${digits} hex digits`)
    .describe(`${what}: ${digits} hex digits`);

export const OnlineUnlockMutualAuthBody = z.object({
  answers: z.array(AnswerInput).min(1).max(10),
  cardChallenge: Hex(32, "the card's random R2"),
});

export const OnlineUnlockMutualAuthResponse = z.object({
  cryptogram: z.string().describe('E_K(R2 || R1 || Z1), 3DES-CBC with a zero IV: 80 hex digits'),
  adminKeyAttemptsRemaining: z.number().int(),
});
export type OnlineUnlockMutualAuthResponse = z.infer<typeof OnlineUnlockMutualAuthResponse>;

export const OnlineUnlockConfirmBody = z.object({
  cardCryptogram: Hex(80, "the card's cryptogram E_K(R1 || R2 || Z2)"),
});

export const OnlineUnlockConfirmation = z.object({
  confirmed: z.literal(true),
  adminKeyAttemptsRemaining: z.number().int(),
});
export type OnlineUnlockConfirmation = z.infer<typeof OnlineUnlockConfirmation>;
