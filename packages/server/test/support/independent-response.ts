/**
 * E_K(challenge) computed with node:crypto directly, independent of the server's code and of the protocol
 * package: the tests that check the server's responses (import, offline unblock) compare against it.
 */
import { createCipheriv, randomBytes } from 'node:crypto';
import { expect } from 'vitest';
import { api, pathTo } from '@cardwarden/contract';
import type { ApiClient } from '@cardwarden/integration-tests/api-client';

export function expectedResponse(algorithm: string, keyHex: string, challengeHex: string): string {
  const cipher = algorithm === '3des' ? 'des-ede3-ecb' : `aes-${algorithm.slice(3)}-ecb`;
  const c = createCipheriv(cipher, Buffer.from(keyHex, 'hex'), null);
  c.setAutoPadding(false);
  return Buffer.concat([c.update(Buffer.from(challengeHex, 'hex')), c.final()])
    .toString('hex')
    .toUpperCase();
}

/**
 * One help-desk response for card `cardId` to a random challenge of the length the session asks for,
 * which must be E_K(challenge) under `keyHex` as computed here.
 */
export async function expectResponseUnder(
  operator: ApiClient,
  cardId: string,
  algorithm: string,
  keyHex: string,
): Promise<void> {
  const session = await operator.post<{ id: string; challengeLength: number }>(
    pathTo(api.offlineUnblocks.start, { id: cardId }),
    { ticket: 'IMPORT-1' },
  );
  expect(session.status, session.text).toBe(201);
  const challenge = randomBytes(session.body.challengeLength / 2)
    .toString('hex')
    .toUpperCase();
  const issued = await operator.post<{ response: string }>(
    pathTo(api.offlineUnblocks.response, { id: session.body.id }),
    { challenge },
  );
  expect(issued.status, issued.text).toBe(200);
  expect(issued.body.response).toBe(expectedResponse(algorithm, keyHex, challenge));
}
