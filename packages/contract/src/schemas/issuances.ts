/**
 * Card issuance (`cardwarden-unlock issue`): the server drives the card through steps and keeps every
 * key. The tool relays the card's randoms and cryptograms and the APDUs the server builds; the server
 * answers the card's mutual authentication itself, so the card's admin keys never need to be typed.
 */
import { z } from 'zod';
import { ADMIN_KEY_SLOTS, ISSUANCE_STEPS } from '../enums.js';
import { AdminKeyAlgorithm, CardSerial, CardType } from './cards.js';
import { Id } from './common.js';
import { Username } from './operators.js';

const Hex = (digits: number, what: string) =>
  z
    .string()
    .regex(new RegExp(`^[0-9A-Fa-f]{${digits}}$`), `${what} must be ${digits} hex digits`)
    .describe(`${what}: ${digits} hex digits`);

/** One of several lengths: GIDS and PIV answers differ (the server checks the length for the card). */
const HexOf = (digits: readonly number[], what: string) =>
  z
    .string()
    .regex(
      new RegExp(`^(?:${digits.map((n) => `[0-9A-Fa-f]{${n}}`).join('|')})$`),
      `${what} must be ${digits.join(' or ')} hex digits`,
    )
    .describe(`${what}: ${digits.join(' or ')} hex digits`);

export const StartIssuanceBody = z.object({
  serial: CardSerial,
  type: CardType,
  username: Username.optional().describe('the cardholder; needed for a card the server does not know yet'),
  profile: z
    .string()
    .trim()
    .min(1)
    .max(100)
    .optional()
    .describe("the card profile's name; needed for a new card, changes a known card's profile"),
  transportKey: z
    .object({
      algorithm: AdminKeyAlgorithm,
      key: z.string().trim().min(1).max(200).describe('the factory (transport) admin key in hex'),
    })
    .optional()
    .describe(
      "a new card's factory admin key (GIDS) or management key (PIV); by default the well-known default 0102…08 (3DES). Ignored for a known card",
    ),
});
export type StartIssuanceBody = z.infer<typeof StartIssuanceBody>;

/** What the tool does next. */
export const IssuanceStep = z.object({
  id: Id,
  cardId: Id,
  serial: z.string(),
  username: z.string(),
  profile: z.string(),
  step: z.enum(ISSUANCE_STEPS),
  /** The card's kind: GIDS (admin key 80) or PIV (management key 9B). */
  cardType: z.enum(['gids', 'piv']),
  /** authenticate: which key the server answers with ("pending" finishes an interrupted issuance). */
  keySlot: z.enum(ADMIN_KEY_SLOTS).nullable(),
  /** authenticate: the algorithm of that key (PIV: GENERAL AUTHENTICATE's P1). */
  algorithm: AdminKeyAlgorithm.nullable(),
  /**
   * authenticate: GIDS: R1 for GENERAL AUTHENTICATE `7C 12 81 10 <R1>` after MSE SET C1. PIV: the
   * server's challenge C, sent with the witness (`7C 80 <W> 81 <C>`).
   */
  hostChallenge: z.string().nullable(),
  /**
   * write-key and finish: command APDUs (hex) to send to the card in order, each expecting 9000. PIV
   * finish: the tool verifies the PIN first (SET PIN RETRIES wants it) and sets the PIN afterwards.
   */
  apdus: z.array(z.string()),
  /** finish: the PIN try limit the APDUs set (the profile's maximum PIN attempts). */
  pinTryLimit: z.number().int().nullable(),
  /** For the operator: what happens in this step. */
  message: z.string(),
});
export type IssuanceStep = z.infer<typeof IssuanceStep>;

export const IssuanceAuthenticateBody = z.object({
  cardChallenge: HexOf(
    [32, 16],
    "GIDS: the card's random R2 (32); PIV: the card's encrypted witness E_K(W) (16 for 3DES, 32 for AES)",
  ),
});
export type IssuanceAuthenticateBody = z.infer<typeof IssuanceAuthenticateBody>;

export const IssuanceAuthenticateResponse = z.object({
  cryptogram: z
    .string()
    .describe(
      'GIDS: E_K(R2 || R1 || Z1) for GENERAL AUTHENTICATE `7C 2A 82 28 …`; PIV: the decrypted witness W',
    ),
});
export type IssuanceAuthenticateResponse = z.infer<typeof IssuanceAuthenticateResponse>;

/** The card's answer to the server's cryptogram: its own cryptogram, or its refusal. */
export const IssuanceProofBody = z.union([
  z.object({
    cardCryptogram: HexOf(
      [80, 16, 32],
      "GIDS: the card's cryptogram E_K(R1 || R2 || Z2) (80); PIV: the card's E_K(C) (16 or 32)",
    ),
  }),
  z.object({
    refused: z.literal(true),
    statusWord: Hex(4, "the card's status word"),
  }),
]);
export type IssuanceProofBody = z.infer<typeof IssuanceProofBody>;

/** What the card answered to the step's APDUs. */
export const IssuanceStepResultBody = z.object({
  statusWords: z.array(Hex(4, 'a status word')).max(8),
  /** finish: whether the tool also set an initial PIN (the PIN itself never reaches the server). */
  pinSet: z.boolean().optional(),
});
export type IssuanceStepResultBody = z.infer<typeof IssuanceStepResultBody>;
