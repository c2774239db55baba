/**
 * A CardRecord (the card, its holder, profile and admin-key counter) as columns of a fixed statement
 * (see fixed-query.ts): the statements of the hot paths that read a card with everything its unblock
 * decisions need (offline unblock, the online-unlock start) select and decode it the same way. The
 * statement names the tables `c` (cards), `u` (users), `p` (profiles) and `k` (admin_keys), joined by
 * CARD_RECORD_JOINS from `c`.
 */
import { adminKeys, cards, profiles, users } from '../db/schema.js';
import type { CardRecord } from './card.repository.js';
import { pickColumns, tableColumns, type RawRow } from './fixed-query.js';

const C = tableColumns(cards, 'c', 'c_');
// Of the holder and the key, only what CardRecord holds.
const U = pickColumns(users, 'u', 'u_', ['id', 'username', 'displayName', 'email', 'state']);
const P = tableColumns(profiles, 'p', 'p_');
const K = pickColumns(adminKeys, 'k', 'k_', ['algorithm', 'kcv', 'attemptsUsed', 'blockedAt', 'updatedAt']);

/** The select list of a CardRecord; the holder's id comes as "u_id" and the card's as "c_id". */
export const CARD_RECORD_SELECT = `${C.select}, ${U.select}, ${P.select}, ${K.select}`;

/** Joins the holder, profile and admin key to the card `c`. */
export const CARD_RECORD_JOINS = `join users u on u.id = c.user_id
    join profiles p on p.id = c.profile_id
    join admin_keys k on k.card_id = c.id`;

/** The CardRecord of a row that selected CARD_RECORD_SELECT. */
export function readCardRecord(row: RawRow): CardRecord {
  const card = C.read(row);
  return {
    id: card.id,
    serial: card.serial,
    type: card.type,
    state: card.state,
    user: U.read(row),
    profile: P.read(row),
    adminKey: K.read(row),
    createdAt: card.createdAt,
    updatedAt: card.updatedAt,
  };
}
