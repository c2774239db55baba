/**
 * Keys derived from versioned masters (SP 800-108, AES-CMAC): cards registered before and after a
 * master rotation both unblock through the offline-unblock endpoints, with the KEK file and with an HSM
 * (SoftHSM2, its own token directory per run). No master or derived key in clear in the data or log.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromHex, toHex } from '@cardwarden/protocol/hex';
import { type AdminKeyAlgorithm } from '@cardwarden/protocol/admin-key';
import { checkGidsHostCryptogram, gidsCardCryptogram, open } from '@cardwarden/protocol/crypto';
import { describeWith } from '@cardwarden/integration-tests/system-parts';
import { masters } from '../src/db/schema.js';
import { readKekFile } from '../src/keys/kek-file.js';
import { rotateKek } from '../src/keys/rotate-kek.js';
import type { ApiClient } from '@cardwarden/integration-tests/api-client';
import { unique } from '@cardwarden/integration-tests/fixtures';
import { useSoftHsmToken } from './support/softhsm.js';
import { createSecurityFixture } from '@cardwarden/integration-tests/security-fixture';
import { expectUnblocks, type IssuedCard } from './support/offline-unblock.js';
import { confirmMutualAuth, toMutualAuth } from './support/online-unlock.js';
import { ADMIN, startTestServer, type TestServer } from '@cardwarden/integration-tests/test-server';
import { api, pathTo } from '@cardwarden/contract';

async function setUp(server: TestServer): Promise<{
  admin: ApiClient;
  profileId: string;
  register: (a: AdminKeyAlgorithm, how: 'derive' | 'generate') => Promise<IssuedCard>;
  username: string;
  profileName: string;
}> {
  const admin = await server.api.login(ADMIN.username, ADMIN.password);
  const profileName = unique('derived');
  const profile = await admin.post<{ id: string; adminKeySource: string }>(pathTo(api.profiles.create), {
    name: profileName,
    useCases: { operatorOfflineUnblock: true },
    adminKeySource: 'derived',
  });
  expect(profile.status).toBe(201);
  expect(profile.body.adminKeySource).toBe('derived');
  const username = unique('user');
  expect(
    (
      await admin.post(pathTo(api.users.create), {
        username,
        displayName: 'D',
        email: `${username}@example.org`,
      })
    ).status,
  ).toBe(201);
  const register = async (algorithm: AdminKeyAlgorithm, how: 'derive' | 'generate'): Promise<IssuedCard> => {
    const serial = unique('card').toUpperCase();
    const response = await admin.post<{ id: string; generatedAdminKey: string | null; adminKeyKcv: string }>(
      pathTo(api.cards.create),
      { serial, username, profile: profileName, type: 'gids', adminKey: { algorithm, [how]: true } },
    );
    expect(response.status, response.text).toBe(201);
    expect(response.body.generatedAdminKey).toMatch(/^[0-9A-F]+$/);
    return { id: response.body.id, serial, algorithm, keyHex: response.body.generatedAdminKey ?? '' };
  };
  return { admin, profileId: profile.body.id, register, username, profileName };
}

function filesBelow(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesBelow(path) : [path];
  });
}

function expectNowhere(haystack: Buffer, secretsHex: readonly string[], what: string): void {
  for (const hex of secretsHex) {
    for (const needle of [
      Buffer.from(hex.toUpperCase()),
      Buffer.from(hex.toLowerCase()),
      Buffer.from(hex, 'hex'),
    ]) {
      expect(haystack.includes(needle), `${what} holds a key in clear`).toBe(false);
    }
  }
}

/** The rotation scenario, shared by both custody modes. Returns the keys it saw, for the secrets checks. */
function rotationSuite(start: () => Promise<TestServer>, mode: 'file' | 'hsm'): void {
  let server: TestServer;
  let fixture: Awaited<ReturnType<typeof setUp>>;
  const before: IssuedCard[] = [];
  const after: IssuedCard[] = [];
  const rekeyed: IssuedCard[] = [];

  beforeAll(async () => {
    server = await start();
    fixture = await setUp(server);
    before.push(await fixture.register('aes128', 'derive'), await fixture.register('3des', 'generate'));
  }, 60_000);
  afterAll(async () => {
    await server.close();
  });

  it('derives keys of the right length, 3DES with odd parity', () => {
    expect(before[0]?.keyHex).toHaveLength(32);
    const tdes = fromHex(before[1]?.keyHex ?? '');
    expect(tdes).toHaveLength(24);
    for (const byte of tdes) expect(byte.toString(2).split('1').length % 2).toBe(0);
  });

  it('unblocks cards issued under master version 1', async () => {
    for (const card of before) await expectUnblocks(fixture.admin, card);
  });

  it('rotates the master: version 2 becomes current, version 1 is retired (audited)', async () => {
    const rotated = await fixture.admin.post<{ version: number; current: boolean; custody: string }>(
      pathTo(api.masters.create, { id: fixture.profileId }),
      { reason: 'yearly rotation' },
    );
    expect(rotated.status, rotated.text).toBe(201);
    expect(rotated.body).toMatchObject({
      version: 2,
      current: true,
      custody: mode === 'hsm' ? 'hsm' : 'kek',
    });
    const list = await fixture.admin.get<{
      items: { version: number; state: string; current: boolean; cardCount: number }[];
      newVersionCustody: string;
    }>(pathTo(api.masters.list, { id: fixture.profileId }));
    // Both cards issued so far keep version 1; none uses version 2 yet.
    expect(list.body.items.map((m) => [m.version, m.state, m.current, m.cardCount])).toEqual([
      [1, 'retired', false, 2],
      [2, 'active', true, 0],
    ]);
    expect(list.body.newVersionCustody).toBe(mode === 'hsm' ? 'hsm' : 'kek');
    const audit = await fixture.admin.get<{ items: { action: string }[] }>(
      `${pathTo(api.audit.list)}?action=master.rotated`,
    );
    expect(audit.body.items.some((e) => e.action === 'master.rotated')).toBe(true);
  });

  it('refuses rotation to anyone but an admin, and for an unknown profile', async () => {
    expect((await server.api.post(pathTo(api.masters.create, { id: fixture.profileId }), {})).status).toBe(
      401,
    );
    const missing = await fixture.admin.post(
      pathTo(api.masters.create, { id: '00000000-0000-4000-8000-000000000000' }),
      {},
    );
    expect(missing.status).toBe(404);
  });

  it('unblocks cards issued before AND after the rotation, each with its own key', async () => {
    after.push(await fixture.register('aes256', 'derive'), await fixture.register('aes128', 'derive'));
    for (const card of [...before, ...after]) await expectUnblocks(fixture.admin, card);
  });

  it('moves a re-keyed card to the current version; its old key stops being used', async () => {
    const card = before[0];
    if (!card) throw new Error('no card');
    const response = await fixture.admin.put<{ generatedAdminKey: string }>(
      pathTo(api.cards.replaceAdminKey, { id: card.id }),
      {
        adminKey: { algorithm: 'aes128', derive: true },
        reason: 're-keyed under master v2',
      },
    );
    expect(response.status, response.text).toBe(200);
    expect(response.body.generatedAdminKey).not.toBe(card.keyHex);
    const moved = { ...card, keyHex: response.body.generatedAdminKey };
    rekeyed.push(moved);
    await expectUnblocks(fixture.admin, moved);
  });

  it('counts the cards of each version: the re-keyed card moved from version 1 to 2', async () => {
    const list = await fixture.admin.get<{ items: { version: number; cardCount: number }[] }>(
      pathTo(api.masters.list, { id: fixture.profileId }),
    );
    expect(list.status, list.text).toBe(200);
    expect(list.body.items.map((m) => [m.version, m.cardCount])).toEqual([
      [1, 1],
      [2, 3],
    ]);
    // The answer lists versions and counts only: no key, sealed or not, and no HSM label.
    expect(Object.keys(list.body.items[0] ?? {}).sort()).toEqual([
      'algorithm',
      'cardCount',
      'checkValue',
      'createdAt',
      'current',
      'custody',
      'id',
      'profileId',
      'state',
      'version',
    ]);
  });

  it('proves an online unlock by GIDS mutual authentication with a derived 3DES key', async () => {
    const f = await createSecurityFixture(server.api, { adminKeySource: 'derived' });
    // The fixture's card has a typed (sealed) key: re-key it under the profile's master.
    const rekey = await f.admin.put<{ generatedAdminKey: string }>(
      pathTo(api.cards.replaceAdminKey, { id: f.cardId }),
      {
        adminKey: { algorithm: '3des', derive: true },
        reason: 'issued with a derived key',
      },
    );
    expect(rekey.status, rekey.text).toBe(200);
    const key = fromHex(rekey.body.generatedAdminKey);
    const { session, r1, r2, issued } = await toMutualAuth(server.api, f, f.serial);
    expect(issued.status, issued.text).toBe(200);
    expect(checkGidsHostCryptogram('3des', key, { r1, r2 }, fromHex(issued.body.cryptogram))).toBe(true);
    const confirmed = await confirmMutualAuth(
      server.api,
      session.id,
      gidsCardCryptogram('3des', key, { r1, r2 }),
    );
    expect(confirmed.status, confirmed.text).toBe(200);
    expect(confirmed.body).toMatchObject({ confirmed: true });
    rekeyed.push({
      id: f.cardId,
      serial: f.serial,
      algorithm: '3des',
      keyHex: rekey.body.generatedAdminKey,
    });
  });

  it('refuses derive under a profile that does not derive', async () => {
    const profileName = unique('random');
    await fixture.admin.post(pathTo(api.profiles.create), { name: profileName });
    const refused = await fixture.admin.post<{ error: { code: string } }>(pathTo(api.cards.create), {
      serial: unique('c').toUpperCase(),
      username: fixture.username,
      profile: profileName,
      type: 'gids',
      adminKey: { algorithm: 'aes128', derive: true },
    });
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('profile.not_deriving');
  });

  if (mode === 'file') {
    it('rotating the KEK re-seals the masters; every derived card still unblocks', async () => {
      const result = await rotateKek(server.server.ctx.db, server.kekFile);
      expect(result.oldKekId).not.toBe(result.newKekId);
      const rows = await server.server.ctx.db.select().from(masters);
      expect(rows.every((row) => row.sealed?.startsWith(`cw1.${result.newKekId}.`))).toBe(true);
      for (const card of [...before.slice(1), ...after, ...rekeyed])
        await expectUnblocks(fixture.admin, card);
    });
  }

  it('keeps every derived key and master out of the log and the database', async () => {
    const keys = [...before, ...after, ...rekeyed].map((c) => c.keyHex);
    const rows = await server.server.ctx.db.select().from(masters);
    expect(rows.length).toBeGreaterThanOrEqual(2);
    const masterHex: string[] = [];
    if (mode === 'file') {
      const kek = readKekFile(server.kekFile);
      if (!kek) throw new Error('no KEK');
      for (const row of rows) {
        expect(row.hsmLabel).toBeNull();
        masterHex.push(
          toHex(open(kek, row.sealed ?? '', `cardwarden:master:${row.profileId}:${row.version}`)),
        );
      }
    } else {
      // The KEK and every master are on the token, sensitive and never extractable.
      const keys = server.server.ctx.keys;
      expect(keys.mode).toBe('hsm');
      expect(keys.identifierDigest('someone')).toMatch(/^[0-9a-f]{16}$/);
      expect(keys.identifierDigest('someone')).toBe(keys.identifierDigest('someone'));
      expect(keys.hsmKeyAttributes('cardwarden-kek')).toEqual({ sensitive: true, extractable: false });
      for (const row of rows) {
        expect(row.sealed).toBeNull();
        expect(keys.hsmKeyAttributes(row.hsmLabel ?? '')).toEqual({ sensitive: true, extractable: false });
      }
    }
    const logs = Buffer.from(server.logs.join('\n'));
    expect(server.logs.length).toBeGreaterThan(5);
    expectNowhere(logs, [...keys, ...masterHex], 'the server log');
    const dump = Buffer.from(
      JSON.stringify(await server.server.ctx.db.execute('select * from admin_keys, masters, audit_events')),
    );
    expectNowhere(dump, [...keys, ...masterHex], 'the database');
    if (mode === 'hsm') {
      // The key material never left the token: the data directory holds no PKCS#11 files either.
      expect(
        filesBelow(server.dataDir).every((f) => !readFileSync(f).includes(Buffer.from('cardwarden-master'))),
      ).toBe(true);
    }
  });
}

describe('derived admin keys and master rotation, KEK file', () => {
  rotationSuite(() => startTestServer('pglite'), 'file');
});

describeWith(['softhsm2'], 'derived admin keys and master rotation, HSM (SoftHSM2)', () => {
  const hsm = useSoftHsmToken();
  rotationSuite(() => startTestServer('pglite', { config: { pkcs11: hsm.pkcs11 } }), 'hsm');
});
