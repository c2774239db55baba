/**
 * KEK rotation with an HSM (SoftHSM2, its own token directory per run) and the move of a KEK-file
 * installation onto an HSM (`rotate-kek --to-hsm`). Each is interrupted once by an injected failure
 * halfway through the re-sealing (and the HSM rotation once more after its commit, before the old KEK
 * is destroyed): the server must still start and open every key. Afterwards every card
 * (random and derived, registered before and after) unblocks through the offline-unblock endpoints, a
 * pending issuance key and a staff TOTP secret still open, the old KEK is no longer needed, and no key
 * is in clear in the log or the database.
 */
import { existsSync, mkdtempSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { fromHex, toHex } from '@cardwarden/protocol/hex';
import { type AdminKeyAlgorithm } from '@cardwarden/protocol/admin-key';
import { describeWith } from '@cardwarden/integration-tests/system-parts';
import type { Config } from '../src/config.js';
import { adminKeys, masters, operators } from '../src/db/schema.js';
import { KekError, readKekFile } from '../src/keys/kek-file.js';
import { KEK_HSM_LABEL_SETTING } from '../src/keys/key-custody.js';
import { moveKekToHsm, rotateHsmKek, type RotationHooks } from '../src/keys/rotate-kek.js';
import { getSetting } from '../src/repositories/settings.repository.js';
import { findTotp, putPendingTotp } from '../src/repositories/second-factor.repository.js';
import { openStorage, startServer } from '../src/server.js';
import { unique } from '@cardwarden/integration-tests/fixtures';
import { expectUnblocks, type IssuedCard } from './support/offline-unblock.js';
import { useSoftHsmToken } from './support/softhsm.js';
import {
  ADMIN,
  startTestServer,
  testConfig,
  type TestServer,
} from '@cardwarden/integration-tests/test-server';
import { api, pathTo } from '@cardwarden/contract';

const TOTP_SECRET = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
const PENDING_KEY = '00112233445566778899AABBCCDDEEF0';

/** A derived profile and a user; registers cards with derived or random (generated) keys. */
async function setUp(
  server: TestServer,
): Promise<(a: AdminKeyAlgorithm, how: 'derive' | 'generate') => Promise<IssuedCard>> {
  const admin = await server.api.login(ADMIN.username, ADMIN.password);
  // A profile that derives keys from its master, and one that keeps random per-card keys (sealed).
  const profiles = { derive: unique('derived'), generate: unique('random') };
  for (const [how, name] of Object.entries(profiles)) {
    const created = await admin.post(pathTo(api.profiles.create), {
      name,
      useCases: { operatorOfflineUnblock: true },
      ...(how === 'derive' ? { adminKeySource: 'derived' } : {}),
    });
    expect(created.status, created.text).toBe(201);
  }
  const username = unique('user');
  expect(
    (
      await admin.post(pathTo(api.users.create), {
        username,
        displayName: 'K',
        email: `${username}@example.org`,
      })
    ).status,
  ).toBe(201);
  return async (algorithm, how) => {
    const serial = unique('card').toUpperCase();
    const response = await admin.post<{ id: string; generatedAdminKey: string | null }>(
      pathTo(api.cards.create),
      {
        serial,
        username,
        profile: profiles[how],
        type: 'gids',
        adminKey: { algorithm, [how]: true },
      },
    );
    expect(response.status, response.text).toBe(201);
    return { id: response.body.id, serial, algorithm, keyHex: response.body.generatedAdminKey ?? '' };
  };
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

/** The injected crash: a failure after re-sealing half of the admin keys, inside the transaction. */
const crashHalfway = (total: number): RotationHooks => ({
  afterResealedAdminKey: (count) => {
    if (count === Math.ceil(total / 2)) throw new Error('injected crash halfway through the re-sealing');
  },
});

/** The deployment under test: one data directory (embedded database on disk), restarted at will. */
class Installation {
  readonly dataDir = mkdtempSync(join(tmpdir(), 'cardwarden-kek-rotation-'));
  readonly kekFile = join(this.dataDir, 'kek.key');
  readonly logs: string[] = [];
  private current: TestServer | undefined;

  async start(config: Partial<Config>): Promise<TestServer> {
    const server = await startTestServer('pglite', { onDisk: true, dataDir: this.dataDir, config });
    this.current = server;
    return server;
  }

  /** Stops the running server (as the CLI requires with the embedded database), keeping its log. */
  async stop(): Promise<void> {
    if (!this.current) return;
    this.logs.push(...this.current.logs);
    await this.current.close();
    this.current = undefined;
  }

  /** Runs a command against the stopped installation, as `npm run rotate-kek` does. */
  async offline<T>(run: (db: Parameters<typeof rotateHsmKek>[0]) => Promise<T>): Promise<T> {
    const { handle, lock } = await openStorage(
      testConfig(this.dataDir, this.kekFile, undefined),
      'test',
      () => undefined,
    );
    try {
      return await run(handle.db);
    } finally {
      await handle.close();
      lock?.release();
    }
  }
}

/** Adds a pending issuance key to `card` and a TOTP secret to the admin, sealed by the running server. */
async function addPendingAndTotp(server: TestServer, card: IssuedCard): Promise<string> {
  const { db, keys } = server.server.ctx;
  await db
    .update(adminKeys)
    .set({
      pendingAlgorithm: 'aes128',
      pendingSealed: keys.sealAdminKey(card.id, fromHex(PENDING_KEY)),
      pendingKcv: '000000',
      pendingSince: new Date(),
    })
    .where(eq(adminKeys.cardId, card.id));
  const [admin] = await db
    .select({ id: operators.id })
    .from(operators)
    .where(eq(operators.username, ADMIN.username));
  if (!admin) throw new Error('no admin');
  await putPendingTotp(db, admin.id, keys.sealTotpSecret(admin.id, TOTP_SECRET));
  return admin.id;
}

async function expectPendingAndTotpOpen(
  server: TestServer,
  card: IssuedCard,
  adminId: string,
): Promise<void> {
  const { db, keys } = server.server.ctx;
  const [row] = await db.select().from(adminKeys).where(eq(adminKeys.cardId, card.id));
  expect(toHex(keys.openAdminKey(card.id, row?.pendingSealed ?? ''))).toBe(PENDING_KEY);
  const totp = await findTotp(db, adminId);
  expect(keys.openTotpSecret(adminId, totp?.sealedSecret ?? '')).toBe(TOTP_SECRET);
}

async function expectNoKeyInClear(
  server: TestServer,
  logs: readonly string[],
  secrets: readonly string[],
): Promise<void> {
  expectNowhere(Buffer.from([...logs, ...server.logs].join('\n')), secrets, 'the server log');
  const dump = Buffer.from(
    JSON.stringify(
      await server.server.ctx.db.execute(
        'select * from admin_keys, masters, operator_totp, settings, audit_events',
      ),
    ),
  );
  expectNowhere(dump, secrets, 'the database');
  expect(dump.includes(Buffer.from(TOTP_SECRET))).toBe(false);
}

describeWith(['softhsm2'], 'KEK rotation on the HSM (SoftHSM2)', () => {
  const hsm = useSoftHsmToken();
  const install = new Installation();
  const cards: IssuedCard[] = [];
  let adminId = '';
  let server: TestServer;

  beforeAll(async () => {
    server = await install.start({ pkcs11: hsm.pkcs11 });
    const register = await setUp(server);
    cards.push(
      await register('aes128', 'derive'),
      await register('3des', 'generate'),
      await register('aes256', 'generate'),
      await register('aes128', 'generate'),
    );
    adminId = await addPendingAndTotp(server, cards[1] as IssuedCard);
    await install.stop();
  }, 60_000);
  afterAll(async () => {
    await install.stop();
  });

  it('survives a failure halfway through the re-sealing: the server starts and opens every key', async () => {
    await expect(install.offline((db) => rotateHsmKek(db, hsm.pkcs11, crashHalfway(3)))).rejects.toThrow(
      /injected crash/,
    );
    server = await install.start({ pkcs11: hsm.pkcs11 });
    expect(server.server.ctx.keys.hsmKekLabel).toBe('cardwarden-kek');
    const admin = await server.api.login(ADMIN.username, ADMIN.password);
    for (const card of cards) await expectUnblocks(admin, card);
    await expectPendingAndTotpOpen(server, cards[1] as IssuedCard, adminId);
    await install.stop();
  }, 60_000);

  it('rotates to a new versioned KEK on the token; every card unblocks; the old KEK is destroyed', async () => {
    const result = await install.offline((db) => rotateHsmKek(db, hsm.pkcs11));
    // cardwarden-kek-2 was left on the token by the interrupted attempt: never reused.
    expect(result).toMatchObject({
      resealed: 3,
      resealedMasters: 0,
      oldLabel: 'cardwarden-kek',
      newLabel: 'cardwarden-kek-3',
    });
    expect(result.newKekId).not.toBe(result.oldKekId);
    server = await install.start({ pkcs11: hsm.pkcs11 });
    const keys = server.server.ctx.keys;
    expect(keys.hsmKekLabel).toBe('cardwarden-kek-3');
    expect(await getSetting(server.server.ctx.db, KEK_HSM_LABEL_SETTING)).toBe('cardwarden-kek-3');
    expect(keys.hsmKeyAttributes('cardwarden-kek-3')).toEqual({ sensitive: true, extractable: false });
    expect(() => keys.hsmKeyAttributes('cardwarden-kek')).toThrow(KekError);
    const rows = await server.server.ctx.db.select().from(adminKeys);
    expect(rows.filter((r) => r.sealed).every((r) => r.sealed.startsWith(`cw1.${result.newKekId}.`))).toBe(
      true,
    );
    const admin = await server.api.login(ADMIN.username, ADMIN.password);
    for (const card of cards) await expectUnblocks(admin, card);
    await expectPendingAndTotpOpen(server, cards[1] as IssuedCard, adminId);
    const register = await setUp(server);
    const later = [await register('aes128', 'derive'), await register('3des', 'generate')];
    for (const card of later) await expectUnblocks(admin, card);
    await expectNoKeyInClear(
      server,
      install.logs,
      [...cards, ...later].map((c) => c.keyHex).concat(PENDING_KEY),
    );
  }, 60_000);

  it('survives a crash after the commit, before the old KEK was destroyed: the new KEK is used', async () => {
    await install.stop();
    const crashed = install.offline((db) =>
      rotateHsmKek(db, hsm.pkcs11, {
        beforeRetiring: () => {
          throw new Error('injected crash after the commit');
        },
      }),
    );
    await expect(crashed).rejects.toThrow(/after the commit/);
    server = await install.start({ pkcs11: hsm.pkcs11 });
    const keys = server.server.ctx.keys;
    expect(keys.hsmKekLabel).toBe('cardwarden-kek-4');
    // The old KEK is still on the token, unused: the operator deletes it (docs/key-custody.md).
    expect(keys.hsmKeyAttributes('cardwarden-kek-3')).toEqual({ sensitive: true, extractable: false });
    const admin = await server.api.login(ADMIN.username, ADMIN.password);
    for (const card of cards) await expectUnblocks(admin, card);
    await expectPendingAndTotpOpen(server, cards[1] as IssuedCard, adminId);
  }, 60_000);
});

describeWith(['softhsm2'], 'moving a KEK-file installation onto the HSM (rotate-kek --to-hsm)', () => {
  const hsm = useSoftHsmToken();
  const install = new Installation();
  const cards: IssuedCard[] = [];
  let adminId = '';
  let server: TestServer;
  let fileKekHex = '';

  beforeAll(async () => {
    server = await install.start({});
    const register = await setUp(server);
    cards.push(
      await register('aes128', 'derive'),
      await register('3des', 'derive'),
      await register('aes192', 'generate'),
      await register('3des', 'generate'),
      await register('aes256', 'generate'),
    );
    adminId = await addPendingAndTotp(server, cards[2] as IssuedCard);
    fileKekHex = toHex(readKekFile(install.kekFile) ?? new Uint8Array(0));
    await install.stop();
    // Started with the HSM before the move, the server refuses and says how to move.
    await expect(install.start({ pkcs11: hsm.pkcs11 })).rejects.toThrow(/rotate-kek -- --to-hsm/);
  }, 60_000);
  afterAll(async () => {
    await install.stop();
  });

  it('survives a failure halfway: the KEK-file server still starts and opens every key', async () => {
    await expect(
      install.offline((db) => moveKekToHsm(db, install.kekFile, hsm.pkcs11, crashHalfway(3))),
    ).rejects.toThrow(/injected crash/);
    expect(existsSync(install.kekFile)).toBe(true);
    server = await install.start({});
    expect(server.server.ctx.keys.mode).toBe('file');
    const admin = await server.api.login(ADMIN.username, ADMIN.password);
    for (const card of cards) await expectUnblocks(admin, card);
    await expectPendingAndTotpOpen(server, cards[2] as IssuedCard, adminId);
    await install.stop();
  }, 60_000);

  it('moves everything under a KEK on the token; the old KEK file is no longer needed', async () => {
    const result = await install.offline((db) => moveKekToHsm(db, install.kekFile, hsm.pkcs11));
    // The interrupted attempt left "cardwarden-kek" on the token, unused: the move takes the next label.
    expect(result).toMatchObject({ resealed: 3, resealedMasters: 1, newLabel: 'cardwarden-kek-2' });
    // Put the retired file out of reach: nothing may need it any more.
    expect(existsSync(install.kekFile)).toBe(false);
    renameSync(result.retiredFile, join(mkdtempSync(join(tmpdir(), 'cardwarden-away-')), 'old-kek'));

    // A server still configured for the file refuses, saying where the keys are now.
    await expect(
      startServer({ ...testConfig(install.dataDir, install.kekFile, undefined) }, { level: 'silent' }),
    ).rejects.toThrow(/on an HSM.*CARDWARDEN_PKCS11_MODULE/);

    server = await install.start({ pkcs11: hsm.pkcs11 });
    const { db, keys } = server.server.ctx;
    expect(keys.mode).toBe('hsm');
    expect(keys.hsmKekLabel).toBe('cardwarden-kek-2');
    // Masters sealed under the file KEK stay sealed masters, now under the token's KEK.
    const rows = await db.select().from(masters);
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((r) => r.hsmLabel === null && r.sealed?.startsWith(`cw1.${result.newKekId}.`))).toBe(
      true,
    );
    const admin = await server.api.login(ADMIN.username, ADMIN.password);
    for (const card of cards) await expectUnblocks(admin, card);
    await expectPendingAndTotpOpen(server, cards[2] as IssuedCard, adminId);
    const register = await setUp(server);
    const later = [await register('aes128', 'derive'), await register('aes128', 'generate')];
    for (const card of later) await expectUnblocks(admin, card);
    await expectNoKeyInClear(
      server,
      install.logs,
      [...cards, ...later].map((c) => c.keyHex).concat(PENDING_KEY, fileKekHex),
    );
  }, 60_000);
});
