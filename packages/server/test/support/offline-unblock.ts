/**
 * The check that a card's sealed or derived admin key still opens: one help-desk offline unblock whose
 * response must be E_K(challenge) under the key the card was issued with. The key-custody suites (master
 * rotation, KEK rotation, moves onto an HSM) run it on every card before and after what they change.
 */
import { expect } from 'vitest';
import { api, pathTo } from '@cardwarden/contract';
import { fromHex, toHex } from '@cardwarden/protocol/hex';
import { type AdminKeyAlgorithm } from '@cardwarden/protocol/admin-key';
import { computeAdminResponse } from '@cardwarden/protocol/crypto';
import type { ApiClient } from '@cardwarden/integration-tests/api-client';

/** A card registered with a generated or derived key, and that key as the server returned it once. */
export interface IssuedCard {
  readonly id: string;
  readonly serial: string;
  readonly algorithm: AdminKeyAlgorithm;
  readonly keyHex: string;
}

/** One help-desk offline unblock: the server's response must be E_K(challenge) with the card's own key. */
export async function expectUnblocks(admin: ApiClient, card: IssuedCard): Promise<void> {
  const challenge = card.algorithm === '3des' ? '0557897F8D84407B' : '00112233445566778899AABBCCDDEEFF';
  const session = await admin.post<{ id: string }>(pathTo(api.offlineUnblocks.start, { id: card.id }), {
    ticket: 'T-12',
  });
  expect(session.status, session.text).toBe(201);
  const issued = await admin.post<{ response: string }>(
    pathTo(api.offlineUnblocks.response, { id: session.body.id }),
    { challenge },
  );
  expect(issued.status, issued.text).toBe(200);
  const expected = toHex(computeAdminResponse(card.algorithm, fromHex(card.keyHex), fromHex(challenge)));
  expect(issued.body.response).toBe(expected);
  const outcome = await admin.post(pathTo(api.offlineUnblocks.outcome, { id: session.body.id }), {
    result: 'unblocked',
  });
  expect(outcome.status, outcome.text).toBeLessThan(300);
}
