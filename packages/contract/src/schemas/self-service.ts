import { z } from 'zod';
import { Availability, CardState, CardType } from './cards.js';
import { OUTCOMES } from '../enums.js';
import { IssuedResponse } from './offline-unblocks.js';
import { PinRules } from './profiles.js';

export const SelfServiceMe = z.object({
  id: z.string(),
  username: z.string(),
  displayName: z.string(),
  emailNotifications: z
    .boolean()
    .describe('whether this installation sends email notices (SMTP is configured)'),
});
export type SelfServiceMe = z.infer<typeof SelfServiceMe>;

/** A cardholder's own card, as self-service shows it. */
export const SelfServiceCard = z.object({
  id: z.string(),
  serial: z.string(),
  type: CardType,
  state: CardState,
  profile: z.string(),
  pinRules: PinRules,
  challengeLength: z.number().int().describe('hex digits of the challenge this card shows (16 or 32)'),
  attemptsRemaining: z.number().int(),
  offlineUnblock: Availability.describe(
    'whether "Unblock PIN offline" is offered for this card, and why not',
  ),
});
export type SelfServiceCard = z.infer<typeof SelfServiceCard>;

export const SelfServiceCardList = z.object({ items: z.array(SelfServiceCard) });
export type SelfServiceCardList = z.infer<typeof SelfServiceCardList>;

export const SelfServiceUnblockBody = z.object({
  challenge: z.string().max(200),
  /** The proof of a fresh SSO sign-in, when the card's profile requires a step-up (GET /api/v1/auth/sso). */
  ssoStepUp: z.string().max(200).optional(),
});

export const SelfServiceUnblockResponse = IssuedResponse.extend({
  id: z.string().describe('the unblock session, for recording the outcome'),
  pinRules: PinRules,
});
export type SelfServiceUnblockResponse = z.infer<typeof SelfServiceUnblockResponse>;

export const SelfServiceOutcomeBody = z.object({ result: z.enum(OUTCOMES) });
