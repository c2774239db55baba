import { z } from 'zod';
import { CardSerial } from './cards.js';
import { AnswerInput, OUTCOMES } from './offline-unblocks.js';
import { PinRules } from './profiles.js';
import { Timestamp } from './common.js';

export const StartOnlineUnlockBody = z.object({ cardSerial: CardSerial });

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
