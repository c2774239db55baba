/** GIDS mutual authentication proves an online unlock: the server checks the card's own cryptogram. */
import { expect, it } from 'vitest';
import { fromHex } from '@cardwarden/protocol/hex';
import { checkGidsHostCryptogram, gidsCardCryptogram } from '@cardwarden/protocol/crypto';
import { registerCard, TPM_DEFAULT_KEY, useServerWith } from '@cardwarden/integration-tests/fixtures';
import {
  answersFor,
  createSecurityFixture,
  type SecurityFixture,
} from '@cardwarden/integration-tests/security-fixture';
import { forEachDatabase, type TestServer } from '@cardwarden/integration-tests/test-server';
import { confirmMutualAuth, startOnlineUnlock, toMutualAuth } from './support/online-unlock.js';
import { api as routes, pathTo } from '@cardwarden/contract';

const KEY = fromHex(TPM_DEFAULT_KEY);

forEachDatabase('online unlock proven by GIDS mutual authentication', (kind) => {
  let server: TestServer;
  let f: SecurityFixture;
  useServerWith(kind, createSecurityFixture, (started) => ({ server, f } = started));

  async function attemptsRemaining(cardId: string): Promise<number> {
    const card = await f.operator.get<{ adminKey: { attemptsRemaining: number } }>(
      pathTo(routes.cards.get, { id: cardId }),
    );
    return card.body.adminKey.attemptsRemaining;
  }

  it('answers E_K(R2 || R1 || Z1), checks the card cryptogram, and resets the count', async () => {
    const { session, r1, r2, issued } = await toMutualAuth(server.api, f, f.serial);
    expect(session.hostChallenge).toMatch(/^[0-9A-F]{32}$/);
    expect(issued.status).toBe(200);
    expect(issued.body.cryptogram).toMatch(/^[0-9A-F]{80}$/);
    expect(issued.body.adminKeyAttemptsRemaining).toBe(2);
    // What the card (GidsApplet) checks before it answers.
    expect(checkGidsHostCryptogram('3des', KEY, { r1, r2 }, fromHex(issued.body.cryptogram))).toBe(true);
    expect(await attemptsRemaining(f.cardId)).toBe(2);

    const proof = gidsCardCryptogram('3des', KEY, { r1, r2 });
    const confirmed = await confirmMutualAuth(server.api, session.id, proof);
    expect(confirmed.status).toBe(200);
    expect(confirmed.body).toEqual({ confirmed: true, adminKeyAttemptsRemaining: 3 });
    expect(await attemptsRemaining(f.cardId)).toBe(3);
    expect((await confirmMutualAuth(server.api, session.id, proof)).status).toBe(409);
    const audit = await f.admin.get<{ items: { action: string; sessionId: string | null }[] }>(
      `${pathTo(routes.audit.list)}?cardId=${f.cardId}&action=online_unlock.unblock_confirmed`,
    );
    expect(audit.body.items.map((e) => e.sessionId)).toEqual([session.id]);
  });

  it('refuses a cryptogram that does not open to R1 || R2 with 422, and counts the attempt', async () => {
    const { session, r1, r2, issued } = await toMutualAuth(server.api, f, f.serial);
    expect(issued.status).toBe(200);
    const otherKey = fromHex('0F'.repeat(24));
    for (const wrong of [
      gidsCardCryptogram('3des', otherKey, { r1, r2 }),
      gidsCardCryptogram('3des', KEY, { r1: r2, r2: r1 }),
    ]) {
      const refused = await confirmMutualAuth(server.api, session.id, wrong);
      expect(refused.body).toMatchObject({
        error: { code: expect.stringMatching(/^online_unlock\.(proof_invalid|no_proof)$/) },
      });
    }
    expect(await attemptsRemaining(f.cardId)).toBe(2);
    expect((await confirmMutualAuth(server.api, session.id, 'zz')).status).toBe(400);
    // The first refusal closed the session: a proof cannot be guessed at.
    const second = await toMutualAuth(server.api, f, f.serial, r2);
    const refused = await confirmMutualAuth(
      server.api,
      second.session.id,
      gidsCardCryptogram('3des', otherKey, { r1, r2 }),
    );
    expect(refused.status).toBe(422);
    expect(refused.body).toMatchObject({ error: { code: 'online_unlock.proof_invalid' } });
  });

  it('checks answers like /response, and offers no host challenge to cards that cannot prove', async () => {
    const gids = await registerCard(f.admin, { username: f.username, profile: f.profileName });
    const session = await startOnlineUnlock(server.api, gids.serial);
    const wrong = await server.api.post(pathTo(routes.onlineUnlock.mutualAuth, { id: session.body.id }), {
      answers: session.body.questions.map((q) => ({ questionId: q.id, answer: 'nope' })),
      cardChallenge: '00'.repeat(16),
    });
    expect(wrong.status).toBe(401);
    expect(wrong.body).toMatchObject({ error: { code: 'online_unlock.wrong_answers' } });

    const aes = await registerCard(f.admin, {
      username: f.username,
      profile: f.profileName,
      algorithm: 'aes128',
      key: '00112233445566778899AABBCCDDEEFF',
    });
    const aesSession = await startOnlineUnlock(server.api, aes.serial);
    expect(aesSession.status).toBe(201);
    expect(aesSession.body.hostChallenge).toBeNull();
    const piv = await registerCard(f.admin, {
      username: f.username,
      profile: f.profileName,
      type: 'piv',
    });
    const pivSession = await startOnlineUnlock(server.api, piv.serial);
    expect(pivSession.status).toBe(201);
    expect(pivSession.body.hostChallenge).toBeNull();
    const noProof = await server.api.post(
      pathTo(routes.onlineUnlock.mutualAuth, { id: pivSession.body.id }),
      { answers: answersFor(f, pivSession.body.questions), cardChallenge: '00'.repeat(16) },
    );
    expect(noProof.status).toBe(409);
    expect(noProof.body).toMatchObject({ error: { code: 'online_unlock.no_proof' } });
  });
});
