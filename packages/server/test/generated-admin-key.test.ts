/**
 * A generated admin key is answered once, in the registration answer, so that the tool personalising the
 * card can write it; nothing afterwards (card, search, audit, logs) ever shows it again.
 */
import { createCipheriv } from 'node:crypto';
import { expect, it } from 'vitest';
import { ADMIN, forEachDatabase, type TestServer } from '@cardwarden/integration-tests/test-server';
import { type Fixture, useServerWithFixture } from '@cardwarden/integration-tests/fixtures';
import { api, pathTo } from '@cardwarden/contract';

/** E_K(challenge), 3DES EDE ECB: computed here, independently of the server. */
function tripleDes(keyHex: string, challengeHex: string): string {
  const cipher = createCipheriv('des-ede3-ecb', Buffer.from(keyHex, 'hex'), null);
  cipher.setAutoPadding(false);
  return Buffer.concat([cipher.update(Buffer.from(challengeHex, 'hex')), cipher.final()])
    .toString('hex')
    .toUpperCase();
}

forEachDatabase('generated admin key', (kind) => {
  let server: TestServer;
  let f: Fixture;
  useServerWithFixture(kind, (started) => ({ server, f } = started));

  it('answers a generated key once, usable and matching its KCV, and never again', async () => {
    const created = await f.admin.post<{
      id: string;
      adminKeyKcv: string;
      generatedAdminKey: string | null;
    }>(pathTo(api.cards.create), {
      serial: 'GEN-0001',
      username: f.username,
      profile: f.profileName,
      type: 'gids',
      adminKey: { algorithm: '3des', generate: true },
    });
    expect(created.status).toBe(201);
    const key = created.body.generatedAdminKey ?? '';
    expect(key).toMatch(/^[0-9A-F]{48}$/);
    expect(tripleDes(key, '0000000000000000').slice(0, 6)).toBe(created.body.adminKeyKcv);

    // The server's response to a challenge is made with exactly this key.
    const session = await f.operator.post<{ id: string }>(
      pathTo(api.offlineUnblocks.start, { id: created.body.id }),
      {},
    );
    const issued = await f.operator.post<{ response: string }>(
      pathTo(api.offlineUnblocks.response, { id: session.body.id }),
      { challenge: '0557897F8D84407B' },
    );
    expect(issued.body.response).toBe(tripleDes(key, '0557897F8D84407B'));

    const admin = await server.api.login(ADMIN.username, ADMIN.password);
    for (const path of [
      pathTo(api.cards.get, { id: created.body.id }),
      `${pathTo(api.cards.list)}?serial=GEN-0001`,
      pathTo(api.users.get, { id: f.userId }),
      `${pathTo(api.audit.list)}?cardId=${created.body.id}`,
    ]) {
      const response = await admin.get(path);
      expect(response.status, path).toBe(200);
      expect(response.text.toUpperCase(), path).not.toContain(key);
    }
    expect(server.logs.join('\n').toUpperCase()).not.toContain(key);
  });

  it('answers null for an imported key', async () => {
    const created = await f.admin.post<{ generatedAdminKey: string | null }>(pathTo(api.cards.create), {
      serial: 'IMP-0001',
      username: f.username,
      profile: f.profileName,
      type: 'gids',
      adminKey: { algorithm: 'aes128', key: '000102030405060708090A0B0C0D0E0F' },
    });
    expect(created.status).toBe(201);
    expect(created.body.generatedAdminKey).toBeNull();
  });
});
