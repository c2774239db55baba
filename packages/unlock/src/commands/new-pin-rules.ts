/**
 * The rules a new PIN must keep: the card's own limits, narrowed by its profile's when the tool was given
 * a server (`--server`). Looked up before anything is sent to the card, so nothing is spent on a PIN the
 * organisation refuses.
 */
import type { Reporter } from '../io/reporter.js';
import { fetchPinPolicy } from '../online/pin-policy-client.js';
import type { ServerConnection } from '../online/server-connection.js';
import { describePinRules, pinRulesWithin, type PinRules } from '../pin-rules.js';
import { UnlockFailure } from '../unlock-failure.js';

export async function newPinRules(
  cardLimits: PinRules,
  server: ServerConnection | undefined,
  serial: string | undefined,
  reporter: Reporter,
): Promise<PinRules> {
  if (!server) {
    reporter.say(
      `No --server given: the new PIN is checked against the card's own limits only (${describePinRules(cardLimits)}); your organisation's rules may ask for more.`,
    );
    return cardLimits;
  }
  if (!serial) {
    throw new UnlockFailure(
      'card.no_serial',
      'the card does not tell its serial number, so the server cannot look up its PIN rules; run the unlock again without --server',
    );
  }
  const policy = await fetchPinPolicy(server.base, serial, server.options);
  const rules = pinRulesWithin(cardLimits, policy.pinRules);
  if (rules) return rules;
  throw new UnlockFailure(
    'card.registration_mismatch',
    `the card’s profile asks for a PIN of ${describePinRules(policy.pinRules)}, which this card (${describePinRules(cardLimits)}) cannot take; nothing was sent to the card: ask your help desk to correct the card's profile`,
  );
}
