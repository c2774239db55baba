/** GIDS mutual authentication proves an online unlock: the server checks the card's own cryptogram. */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { fromHex, toHex } from '@cardwarden/protocol';
import { checkGidsHostCryptogram, gidsCardCryptogram, secureRandomBytes } from '@cardwarden/protocol/crypto';
import { registerCard, TPM_DEFAULT_KEY } from './support/fixtures.js';
import { answersFor, createSecurityFixture, type SecurityFixture } from './support/security-fixture.js';
import { forEachDatabase, startTestServer, type TestServer } from './support/test-server.js';
import type { ApiClient } from './support/api-client.js';
import { api as routes, pathTo } from '@cardwarden/contract';

type Session = {
  id: string;
  questions: { id: string; text: string }[];
  hostChallenge: string | null;
};
const KEY = fromHex(TPM_DEFAULT_KEY);

const startSession = (api: ApiClient, serial: string) =>
  api.post<Session>(pathTo(routes.onlineUnlock.start), { cardSerial: serial });

forEachDatabase('online unlock proven by GIDS mutual authentication', (kind) => {
  let server: TestServer;
  let f: SecurityFixture;
  beforeAll(async () => {
    server = await startTestServer(kind);
    f = await createSecurityFixture(server.api);
  });
  afterAll(async () => {
    await server.close();
  });

  async function attemptsRemaining(cardId: string): Promise<number> {
    const card = await f.operator.get<{ adminKey: { attemptsRemaining: number } }>(
      pathTo(routes.cards.get, { id: cardId }),
    );
    return card.body.adminKey.attemptsRemaining;
  }

  it('answers E_K(R2 || R1 || Z1), checks the card cryptogram, and resets the count', async () => {
    const session = await startSession(server.api, f.serial);
    expect(session.status).toBe(201);
    const r1Hex = session.body.hostChallenge;
    expect(r1Hex).toMatch(/^[0-9A-F]{32}$/);
    const r1 = fromHex(r1Hex ?? '');
    const r2 = secureRandomBytes(16);
    const issued = await server.api.post<{ cryptogram: string; adminKeyAttemptsRemaining: number }>(
      pathTo(routes.onlineUnlock.mutualAuth, { id: session.body.id }),
      { answers: answersFor(f, session.body.questions), cardChallenge: toHex(r2) },
    );
    expect(issued.status).toBe(200);
    expect(issued.body.cryptogram).toMatch(/^[0-9A-F]{80}$/);
    expect(issued.body.adminKeyAttemptsRemaining).toBe(2);
    // What the card (GidsApplet) checks before it answers.
    expect(checkGidsHostCryptogram('3des', KEY, { r1, r2 }, fromHex(issued.body.cryptogram))).toBe(true);
    expect(await attemptsRemaining(f.cardId)).toBe(2);

    const confirmed = await server.api.post(
      pathTo(routes.onlineUnlock.confirmMutualAuth, { id: session.body.id }),
      {
        cardCryptogram: toHex(gidsCardCryptogram('3des', KEY, { r1, r2 })),
      },
    );
    expect(confirmed.status).toBe(200);
    expect(confirmed.body).toEqual({ confirmed: true, adminKeyAttemptsRemaining: 3 });
    expect(await attemptsRemaining(f.cardId)).toBe(3);
    const again = await server.api.post(
      pathTo(routes.onlineUnlock.confirmMutualAuth, { id: session.body.id }),
      {
        cardCryptogram: toHex(gidsCardCryptogram('3des', KEY, { r1, r2 })),
      },
    );
    expect(again.status).toBe(409);
    const audit = await f.admin.get<{ items: { action: string; sessionId: string | null }[] }>(
      `${pathTo(routes.audit.list)}?cardId=${f.cardId}&action=online_unlock.unblock_confirmed`,
    );
    expect(audit.body.items.map((e) => e.sessionId)).toEqual([session.body.id]);
  });

  it('refuses a cryptogram that does not open to R1 || R2 with 422, and counts the attempt', async () => {
    const session = await startSession(server.api, f.serial);
    const r1 = fromHex(session.body.hostChallenge ?? '');
    const r2 = secureRandomBytes(16);
    expect(
      (
        await server.api.post(pathTo(routes.onlineUnlock.mutualAuth, { id: session.body.id }), {
          answers: answersFor(f, session.body.questions),
          cardChallenge: toHex(r2),
        })
      ).status,
    ).toBe(200);
    const otherKey = fromHex('0F'.repeat(24));
    for (const wrong of [
      gidsCardCryptogram('3des', otherKey, { r1, r2 }),
      gidsCardCryptogram('3des', KEY, { r1: r2, r2: r1 }),
    ]) {
      const refused = await server.api.post(
        pathTo(routes.onlineUnlock.confirmMutualAuth, { id: session.body.id }),
        { cardCryptogram: toHex(wrong) },
      );
      expect(refused.body).toMatchObject({
        error: { code: expect.stringMatching(/^online_unlock\.(proof_invalid|no_proof)$/) },
      });
    }
    expect(await attemptsRemaining(f.cardId)).toBe(2);
    const malformed = await server.api.post(
      pathTo(routes.onlineUnlock.confirmMutualAuth, { id: session.body.id }),
      { cardCryptogram: 'zz' },
    );
    expect(malformed.status).toBe(400);
    // The first refusal closed the session: a proof cannot be guessed at.
    const session2 = await startSession(server.api, f.serial);
    await server.api.post(pathTo(routes.onlineUnlock.mutualAuth, { id: session2.body.id }), {
      answers: answersFor(f, session2.body.questions),
      cardChallenge: toHex(r2),
    });
    const refused = await server.api.post(
      pathTo(routes.onlineUnlock.confirmMutualAuth, { id: session2.body.id }),
      {
        cardCryptogram: toHex(gidsCardCryptogram('3des', otherKey, { r1, r2 })),
      },
    );
    expect(refused.status).toBe(422);
    expect(refused.body).toMatchObject({ error: { code: 'online_unlock.proof_invalid' } });
  });

  it('checks answers like /response, and offers no host challenge to cards that cannot prove', async () => {
    const gids = await registerCard(f.admin, { username: f.username, profile: f.profileName });
    const session = await startSession(server.api, gids.serial);
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
    const aesSession = await startSession(server.api, aes.serial);
    expect(aesSession.status).toBe(201);
    expect(aesSession.body.hostChallenge).toBeNull();
    const piv = await registerCard(f.admin, { username: f.username, profile: f.profileName, type: 'piv' });
    const pivSession = await startSession(server.api, piv.serial);
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
