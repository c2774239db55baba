/**
 * Where issuance gets a card's new admin key: the keys module's choice for the card's profile — derived
 * from the profile's current master when the profile derives keys (nothing per card is stored), else a
 * random key sealed under the KEK.
 */
import type { AdminKeyAlgorithm } from '@cardwarden/protocol/admin-key';
import type { Database } from '../db/database.js';
import { newAdminKeyForCard as newKeyFromCustody } from '../keys/card-admin-key.js';
import type { AdminKeyValues } from '../repositories/admin-key.repository.js';
import type { ProfileRow } from '../repositories/profile.repository.js';
import type { ServiceContext } from './context.js';

/** A new key for one card: the bytes for the card (wipe after use) and what the server stores. */
export interface NewCardKey extends AdminKeyValues {
  /** The key itself, for the one APDU that writes it; the caller wipes it. */
  readonly key: Uint8Array;
  /** For the audit trail: where the key came from (and the master version of a derived key). */
  readonly source: 'random' | 'derived';
  readonly masterVersion: number | null;
}

/** The admin key a card gets when it is issued or re-keyed, in the issuance's transaction. */
export async function newAdminKeyForCard(
  ctx: ServiceContext,
  tx: Database,
  profile: ProfileRow,
  card: { id: string; serial: string },
  algorithm: AdminKeyAlgorithm,
): Promise<NewCardKey> {
  const made = await newKeyFromCustody(
    ctx,
    tx,
    { cardId: card.id, serial: card.serial, profile },
    { algorithm, generate: true },
  );
  return {
    ...made.values,
    key: made.key,
    source: made.source === 'derived' ? 'derived' : 'random',
    masterVersion: made.masterVersion,
  };
}
