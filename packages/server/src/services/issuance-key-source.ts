/**
 * Where issuance gets a card's new admin key: the ONE seam to point at another key source (keys derived
 * from a versioned master, an HSM). Today: a random key, sealed under the KEK as registered keys are.
 */
import { toHex, type AdminKeyAlgorithm } from '@cardwarden/protocol';
import { generateAdminKey, keyCheckValue } from '@cardwarden/protocol/crypto';
import type { Database } from '../db/database.js';
import type { ProfileRow } from '../repositories/profile.repository.js';
import type { ServiceContext } from './context.js';

/** A new key for one card: the bytes for the card (wipe after use) and what the server stores. */
export interface NewCardKey {
  /** The key itself, for the one APDU that writes it; the caller wipes it. */
  readonly key: Uint8Array;
  readonly algorithm: AdminKeyAlgorithm;
  /** What goes in the admin key's (pending) columns. */
  readonly sealed: string;
  readonly kcv: string;
  /** For the audit trail: where the key came from. */
  readonly source: 'random';
}

/**
 * The admin key a card gets when it is issued or re-keyed.
 * @param _tx the issuance's transaction (a derivation would read its master's version there).
 * @param _profile the card's profile (a derivation would read which master it names).
 */
export function newAdminKeyForCard(
  ctx: ServiceContext,
  _tx: Database,
  _profile: ProfileRow,
  card: { id: string; serial: string },
  algorithm: AdminKeyAlgorithm,
): Promise<NewCardKey> {
  const key = generateAdminKey(algorithm);
  return Promise.resolve({
    key,
    algorithm,
    sealed: ctx.keys.sealAdminKey(card.id, key),
    kcv: toHex(keyCheckValue(algorithm, key)),
    source: 'random',
  });
}
