import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { generateKek, kekCheckValue } from '@cardwarden/protocol/crypto';
import { toHex } from '@cardwarden/protocol/hex';
import { SoftwareCardTransport } from '@cardwarden/card-sim';
import { openStorage } from '../src/server.js';
import { rotateKek } from '../src/keys/rotate-kek.js';
import { putSetting } from '../src/repositories/settings.repository.js';
import { KEK_CHECK_SETTING } from '../src/keys/key-custody.js';
import {
  testConfig,
  forEachDatabase,
  startTestServer,
  ADMIN,
  type TestServer,
} from '@cardwarden/integration-tests/test-server';
import { createFixture } from '@cardwarden/integration-tests/fixtures';
import { issue, newCard } from './support/issuance-driver.js';
import {
  createTestDatabase,
  type DatabaseKind,
  type TestDatabase,
} from '@cardwarden/integration-tests/test-database';
import { api, pathTo } from '@cardwarden/contract';

forEachDatabase('KEK custody', (kind: DatabaseKind) => {
  let dataDir: string;
  let kekFile: string;
  let database: TestDatabase;
  const running: TestServer[] = [];

  beforeEach(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'cardwarden-kek-'));
    kekFile = join(dataDir, 'keys', 'kek.key');
    database = await createTestDatabase(kind);
  });
  afterEach(async () => {
    for (const server of running.splice(0)) await server.close().catch(() => undefined);
    await database.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function start(): Promise<TestServer> {
    const server = await startTestServer(kind, { database, onDisk: true, dataDir, kekFile });
    running.push(server);
    return server;
  }
  async function stop(server: TestServer): Promise<void> {
    running.splice(running.indexOf(server), 1);
    await server.close();
  }
  async function respond(server: TestServer, cardId: string): Promise<unknown> {
    const operator = await server.api.login(ADMIN.username, ADMIN.password);
    const session = await operator.post<{ id: string }>(
      pathTo(api.offlineUnblocks.start, { id: cardId }),
      {},
    );
    const issued = await operator.post<{ response: string }>(
      pathTo(api.offlineUnblocks.response, { id: session.body.id }),
      {
        challenge: '0557897F8D84407B',
      },
    );
    await operator.post(pathTo(api.offlineUnblocks.outcome, { id: session.body.id }), {
      result: 'unblocked',
    });
    return issued.body.response;
  }

  it('creates the KEK file with mode 0600 on first start and uses it after a restart', async () => {
    const first = await start();
    expect(statSync(kekFile).mode & 0o777).toBe(0o600);
    const fixture = await createFixture(first.api);
    await stop(first);
    const second = await start();
    expect(await respond(second, fixture.cardId)).toBe('7716F4B2D7214EB2');
  });

  it('refuses to start, naming the file, when the KEK file is missing or wrong', async () => {
    const first = await start();
    await createFixture(first.api);
    await stop(first);
    const saved = readFileSync(kekFile, 'utf8');

    rmSync(kekFile);
    await expect(start()).rejects.toThrow(`the KEK file ${kekFile} is missing`);
    writeFileSync(kekFile, `${toHex(generateKek())}\n`, { mode: 0o600 });
    await expect(start()).rejects.toThrow(`the KEK file ${kekFile} does not match`);
    writeFileSync(kekFile, 'not a key\n', { mode: 0o600 });
    await expect(start()).rejects.toThrow(/does not hold a key/);

    writeFileSync(kekFile, saved, { mode: 0o600 });
    await stop(await start());
  });

  it('refuses a KEK file that others can read or write, with the chmod that fixes it', async () => {
    await stop(await start());
    for (const mode of [0o644, 0o620]) {
      chmodSync(kekFile, mode);
      await expect(start()).rejects.toThrow(`run "chmod 600 ${kekFile}"`);
    }
    chmodSync(kekFile, 0o600);
    await stop(await start());
  });

  it('rotates the KEK: every key re-sealed, responses unchanged, old file kept apart', async () => {
    const first = await start();
    const fixture = await createFixture(first.api);
    const oldKek = readFileSync(kekFile, 'utf8');
    await stop(first);

    const { handle, lock } = await openStorage(testConfig(dataDir, kekFile, database.url), 'test rotate-kek');
    try {
      const result = await rotateKek(handle.db, kekFile);
      expect(result.resealed).toBe(1);
      expect(result.newKekId).not.toBe(result.oldKekId);
      expect(readFileSync(result.retiredFile, 'utf8')).toBe(oldKek);
    } finally {
      await handle.close();
      lock?.release();
    }
    expect(readFileSync(kekFile, 'utf8')).not.toBe(oldKek);
    expect(statSync(kekFile).mode & 0o777).toBe(0o600);

    const second = await start();
    expect(await respond(second, fixture.cardId)).toBe('7716F4B2D7214EB2');
    const admin = await second.api.login(ADMIN.username, ADMIN.password);
    const audit = await admin.get<{ items: { action: string }[] }>(
      `${pathTo(api.audit.list)}?action=kek.rotated`,
    );
    expect(audit.body.items).toHaveLength(1);
  });

  it('re-seals a pending issuance key too: a run interrupted before a rotation finishes after it', async () => {
    const first = await start();
    const fixture = await createFixture(first.api);
    const serial = '00112233445566778899AABBCCDDEE10';
    const card = newCard(serial);
    const transport = new SoftwareCardTransport(card);
    const body = { serial, type: 'gids', username: fixture.username, profile: fixture.profileName };
    await issue(fixture.admin, transport, body, { stopAfter: 'write-key' });
    const written = card.snapshot().adminKey;
    await stop(first);

    const { handle, lock } = await openStorage(testConfig(dataDir, kekFile, database.url), 'test rotate-kek');
    try {
      await rotateKek(handle.db, kekFile);
    } finally {
      await handle.close();
      lock?.release();
    }

    const second = await start();
    const admin = await second.api.login(ADMIN.username, ADMIN.password);
    transport.remove();
    transport.insert();
    expect((await issue(admin, transport, { serial, type: 'gids' })).step).toBe('done');
    expect(card.snapshot().adminKey).toBe(written);
  }, 120_000);

  it('finishes a rotation that stopped between the database commit and the file rename', async () => {
    const first = await start();
    const fixture = await createFixture(first.api);
    await stop(first);
    // Simulate the crash: rotate into a copy, then put the old file back and leave the new one pending.
    const backup = `${kekFile}.backup`;
    copyFileSync(kekFile, backup);
    const { handle, lock } = await openStorage(testConfig(dataDir, kekFile, database.url), 'test');
    try {
      await rotateKek(handle.db, kekFile);
    } finally {
      await handle.close();
      lock?.release();
    }
    copyFileSync(kekFile, `${kekFile}.new`);
    copyFileSync(backup, kekFile);

    const second = await start();
    expect(second.logs.join('\n')).toContain('completed an interrupted KEK rotation');
    expect(existsSync(`${kekFile}.new`)).toBe(false);
    expect(readdirSync(join(dataDir, 'keys')).some((f) => f.includes('.retired-'))).toBe(true);
    expect(await respond(second, fixture.cardId)).toBe('7716F4B2D7214EB2');
  });

  it('refuses a database whose check value names another KEK even with no keys yet', async () => {
    await stop(await start());
    const { handle, lock } = await openStorage(testConfig(dataDir, kekFile, database.url), 'test');
    try {
      await putSetting(handle.db, KEK_CHECK_SETTING, kekCheckValue(generateKek()));
    } finally {
      await handle.close();
      lock?.release();
    }
    await expect(start()).rejects.toThrow(/does not match/);
  });
});
