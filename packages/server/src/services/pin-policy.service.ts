/**
 * The PIN rules of a card's profile for the unlock tool's `offline --server`, anonymous like online unlock.
 * A serial the server does not know gets the default profile's rules after the same database work, so the
 * answer (status, shape and time) does not tell which serials are registered.
 */
import { PROFILE_DEFAULTS, type PinPolicy } from '@cardwarden/contract';
import { findCardBySerial } from '../repositories/card.repository.js';
import type { ServiceContext } from './context.js';
import { limitAddress } from './online-unlock.service.js';
import { pinRulesOf } from './views.js';

const DEFAULT_POLICY: PinPolicy = {
  pinRules: { ...PROFILE_DEFAULTS.pinRules },
  maxPinAttempts: PROFILE_DEFAULTS.maxPinAttempts,
};

export async function pinPolicyForSerial(
  ctx: ServiceContext,
  serial: string,
  address: string,
): Promise<PinPolicy> {
  // The same per-address budget as online unlock: a look-up is as anonymous as starting a session.
  await limitAddress(ctx, address);
  const card = await findCardBySerial(ctx.db, serial);
  if (!card) return DEFAULT_POLICY;
  return { pinRules: pinRulesOf(card.profile), maxPinAttempts: card.profile.maxPinAttempts };
}
