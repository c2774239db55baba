import { execFileSync } from 'node:child_process';
import { createCipheriv, randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFixture, unique, type Fixture } from '@cardwarden/integration-tests/fixtures';
import type { ApiClient } from '@cardwarden/integration-tests/api-client';
import { forEachDatabase, startTestServer, type TestServer } from '@cardwarden/integration-tests/test-server';
import { expectResponseUnder } from './support/independent-response.js';
import { api, pathTo } from '@cardwarden/contract';

const HEADER = 'username,display_name,email,serial,type,profile,algorithm,key';

/** RFC 3394 AES key wrap, as another CMS would export a key. */
function wrap(transportKey: Buffer, key: Buffer): string {
  const c = createCipheriv(
    `id-aes${String(transportKey.length * 8)}-wrap`,
    transportKey,
    Buffer.from('A6A6A6A6A6A6A6A6', 'hex'),
  );
  return Buffer.concat([c.update(key), c.final()]).toString('hex');
}

function postCsv(client: ApiClient, csv: string, query = '', headers: Record<string, string> = {}) {
  return client.request<{
    imported: { users: number; cards: number };
    wouldImport: { users: number; cards: number };
    lines: { line: number; column: string | null; problem: string; message: string }[];
    error: { code: string; message: string };
  }>('POST', `${pathTo(api.imports.run)}${query}`, csv, { 'content-type': 'text/csv', ...headers });
}

interface Line {
  username: string;
  serial: string;
  algorithm: string;
  key: string;
}

function line(profile: string, entry: Line, extra = ''): string {
  return `${entry.username},Test ${entry.username},${entry.username}@example.org,${entry.serial},gids,${profile},${entry.algorithm},${entry.key}${extra}`;
}

function newLine(algorithm = 'aes128', username = unique('imp')): Line {
  const bytes = { '3des': 24, aes128: 16, aes192: 24, aes256: 32 }[algorithm] ?? 16;
  return {
    username,
    serial: unique('IMP').toUpperCase(),
    algorithm,
    key: randomBytes(bytes).toString('hex'),
  };
}

async function isRegistered(admin: ApiClient, serial: string): Promise<boolean> {
  const found = await admin.get<{ items: { serial: string }[] }>(
    `${pathTo(api.cards.list)}?serial=${serial}`,
  );
  return found.body.items.some((card) => card.serial === serial);
}

forEachDatabase('bulk import and inventory export', (kind) => {
  let server: TestServer;
  let f: Fixture;
  const keysSeen: string[] = [];

  beforeAll(async () => {
    server = await startTestServer(kind);
    f = await createFixture(server.api);
  });
  afterAll(async () => {
    await server.close();
  });

  it('imports users and cards whose keys answer E_K(challenge) through the offline unblock', async () => {
    const lines = [newLine('3des'), newLine('aes128'), newLine('aes192'), newLine('aes256')];
    // Two cards for one user, and a card for a user who exists already (any case).
    const second = { ...newLine('aes128'), username: lines[0]?.username ?? '' };
    const existing = { ...newLine('3des'), username: f.username.toUpperCase() };
    const all = [...lines, second, existing];
    keysSeen.push(...all.map((entry) => entry.key));
    const csv = `${HEADER}\n${all.map((entry) => line(f.profileName, entry)).join('\n')}\n`;
    const imported = await postCsv(f.admin, csv);
    expect(imported.status, imported.text).toBe(201);
    expect(imported.body.imported).toEqual({ users: 4, cards: 6 });

    for (const entry of all) {
      const card = await f.admin.get<{ items: { id: string; serial: string; user: { username: string } }[] }>(
        `${pathTo(api.cards.list)}?serial=${entry.serial}`,
      );
      const id = card.body.items[0]?.id ?? '';
      await expectResponseUnder(f.operator, id, entry.algorithm, entry.key);
    }
    const owner = await f.admin.get<{ items: { username: string; cardCount: number }[] }>(
      `${pathTo(api.users.list)}?q=${f.username}`,
    );
    expect(owner.body.items[0]?.cardCount).toBe(2);
    const audit = await f.admin.get<{ items: { action: string; details: Record<string, unknown> }[] }>(
      `${pathTo(api.audit.list)}?action=import.completed`,
    );
    expect(audit.body.items).toHaveLength(1);
    expect(audit.body.items[0]?.details).toMatchObject({ cards: 6, usersCreated: 4, usersExisting: 1 });
  });

  it('refuses a file with errors whole and names every bad line and how to fix it', async () => {
    const good = newLine();
    const dup = newLine();
    const rows = [
      line(f.profileName, good), // 2: fine, but must not be imported
      line('no-such-profile', newLine()), // 3
      line(f.profileName, { ...newLine('aes128'), key: 'ABCD' }), // 4: too short
      line(f.profileName, { ...newLine('aes128'), key: 'ZZ'.repeat(16) }), // 5: not hex
      line(f.profileName, dup), // 6
      line(f.profileName, { ...newLine(), serial: dup.serial.toLowerCase() }), // 7: duplicate in file
      line(f.profileName, { ...newLine(), serial: f.serial }), // 8: registered already
      line(f.profileName, newLine()).replace(',gids,', ',smartcard,'), // 9: bad type
      line(f.profileName, newLine()).replace('@example.org', 'example.org'), // 10: bad email
      `"${line(f.profileName, newLine())}"`, // 11: quoted
      'a,b,c', // 12: field count
      line(f.profileName, newLine()).replace(',aes128,', ',des,'), // 13: bad algorithm
    ];
    const response = await postCsv(f.admin, `${HEADER}\n${rows.join('\n')}\n`);
    expect(response.status).toBe(422);
    expect(response.body.error.code).toBe('import.invalid');
    const byLine = new Map(response.body.lines.map((entry) => [entry.line, entry]));
    expect([...byLine.keys()].sort((a, b) => a - b)).toEqual([3, 4, 5, 7, 8, 9, 10, 11, 12, 13]);
    expect(byLine.get(3)).toMatchObject({ column: 'profile', problem: 'profile.unknown' });
    expect(byLine.get(3)?.message).toContain('create it first');
    expect(byLine.get(4)).toMatchObject({ column: 'key', problem: 'key.invalid' });
    expect(byLine.get(4)?.message).toContain('32 hex digits');
    expect(byLine.get(5)?.message).toContain('hex digits');
    expect(byLine.get(7)).toMatchObject({ problem: 'serial.duplicate' });
    expect(byLine.get(7)?.message).toContain('line 6');
    expect(byLine.get(8)).toMatchObject({ problem: 'serial.registered' });
    expect(byLine.get(9)).toMatchObject({ column: 'type' });
    expect(byLine.get(10)).toMatchObject({ column: 'email' });
    expect(byLine.get(11)).toMatchObject({ problem: 'format.quoted' });
    expect(byLine.get(12)).toMatchObject({ problem: 'format.field_count' });
    expect(byLine.get(13)).toMatchObject({ column: 'algorithm' });
    expect(await isRegistered(f.admin, good.serial)).toBe(false);
    expect(await isRegistered(f.admin, dup.serial)).toBe(false);
    // No key is echoed in the report.
    for (const row of rows) {
      const key = row.split(',')[7] ?? '';
      if (key.length >= 16) expect(response.text.toLowerCase()).not.toContain(key.toLowerCase());
    }
  });

  it('reports a BOM, CRLF line endings and a wrong header on line 1', async () => {
    const crlf = await postCsv(f.admin, `\uFEFF${HEADER}\r\n${line(f.profileName, newLine())}\r\n`);
    expect(crlf.status).toBe(422);
    expect(crlf.body.lines.map((entry) => entry.problem)).toEqual(['format.bom', 'format.crlf']);
    expect(crlf.body.lines.every((entry) => entry.line === 1)).toBe(true);
    const header = await postCsv(f.admin, `username,serial,colour\n${line(f.profileName, newLine())}\n`);
    expect(header.status).toBe(422);
    expect(header.body.lines.every((entry) => entry.line === 1)).toBe(true);
    expect(header.body.lines.map((entry) => entry.problem)).toContain('header.unknown_column');
    const empty = await postCsv(f.admin, `${HEADER}\n`);
    expect(empty.status).toBe(422);
    expect(empty.body.lines[0]?.problem).toBe('format.no_cards');
  });

  it('checks only on a dry run', async () => {
    const entries = [newLine(), newLine()];
    const csv = `${HEADER}\n${entries.map((entry) => line(f.profileName, entry)).join('\n')}\n`;
    const dry = await postCsv(f.admin, csv, '?dryRun=true');
    expect(dry.status, dry.text).toBe(200);
    expect(dry.body).toMatchObject({
      dryRun: true,
      imported: { users: 0, cards: 0 },
      wouldImport: { users: 2, cards: 2 },
    });
    for (const entry of entries) expect(await isRegistered(f.admin, entry.serial)).toBe(false);
    const real = await postCsv(f.admin, csv);
    expect(real.status).toBe(201);
    for (const entry of entries) expect(await isRegistered(f.admin, entry.serial)).toBe(true);
  });

  it('imports keys wrapped under a transport key given apart from the file', async () => {
    const transportKey = randomBytes(32);
    const entry = newLine('aes256');
    const wrapped = wrap(transportKey, Buffer.from(entry.key, 'hex'));
    const csv = `${HEADER},key_wrapped\n${line(f.profileName, { ...entry, key: '' }, `,${wrapped}`)}\n`;
    const missing = await postCsv(f.admin, csv);
    expect(missing.status).toBe(422);
    expect(missing.body.lines[0]).toMatchObject({ line: 2, problem: 'key_wrapped.no_transport_key' });
    const wrong = await postCsv(f.admin, csv, '', {
      'x-cardwarden-transport-key': randomBytes(32).toString('hex'),
    });
    expect(wrong.status).toBe(422);
    expect(wrong.body.lines[0]).toMatchObject({ line: 2, problem: 'key_wrapped.invalid' });
    const bad = await postCsv(f.admin, csv, '', { 'x-cardwarden-transport-key': 'abc' });
    expect(bad.status).toBe(422);
    expect(bad.body.error.code).toBe('import.bad_transport_key');
    const imported = await postCsv(f.admin, csv, '', {
      'x-cardwarden-transport-key': transportKey.toString('hex'),
    });
    expect(imported.status, imported.text).toBe(201);
    const card = await f.admin.get<{ items: { id: string }[] }>(
      `${pathTo(api.cards.list)}?serial=${entry.serial}`,
    );
    await expectResponseUnder(f.operator, card.body.items[0]?.id ?? '', 'aes256', entry.key);
    keysSeen.push(entry.key, transportKey.toString('hex'));
  });

  it('takes a file of more than 50 MB in one request', async () => {
    // 400,000 lines of an unknown profile: checked in full, refused with every line named.
    const filler = `${line('no-such-profile', newLine('aes256'))}\n`;
    const csv = `${HEADER}\n${filler.repeat(Math.ceil(50_500_000 / filler.length))}`;
    expect(csv.length).toBeGreaterThan(50_000_000);
    const response = await postCsv(f.admin, csv, '?dryRun=true');
    expect(response.status, response.text.slice(0, 300)).toBe(422);
    expect(response.body.lines.length).toBeGreaterThan(300_000);
  }, 180_000);

  it('imports cards whose keys derive from a master version of their profile, and refuses unknown versions', async () => {
    const name = unique('derived-import');
    const profile = await f.admin.post<{ id: string }>(pathTo(api.profiles.create), {
      name,
      useCases: { operatorOfflineUnblock: true },
      adminKeySource: 'derived',
    });
    expect(profile.status, profile.text).toBe(201);
    expect((await f.admin.post(pathTo(api.masters.create, { id: profile.body.id }), {})).status).toBe(201);
    const entry = { ...newLine('aes128'), key: '' };
    const wrong = `${HEADER},master_version\n${line(name, entry, ',7')}\n${line(f.profileName, newLine(), ',')}\n`;
    const refused = await postCsv(f.admin, wrong);
    expect(refused.status).toBe(422);
    expect(refused.body.lines).toEqual([
      expect.objectContaining({
        line: 2,
        column: 'master_version',
        message: expect.stringMatching(/no master version 7 \(it has 1\)/) as unknown,
      }),
    ]);
    expect(await isRegistered(f.admin, entry.serial)).toBe(false);

    const csv = `${HEADER},master_version\n${line(name, entry, ',1')}\n`;
    const imported = await postCsv(f.admin, csv);
    expect(imported.status, imported.text).toBe(201);
    const found = await f.admin.get<{ items: { id: string }[] }>(
      `${pathTo(api.cards.list)}?serial=${entry.serial}`,
    );
    const id = found.body.items[0]?.id ?? '';
    const detail = await f.admin.get<{ adminKey: { kcv: string } }>(pathTo(api.cards.get, { id }));
    // The server derives the same key again (version 1 is still current): same KCV, and it unblocks.
    const rekeyed = await f.admin.put<{ generatedAdminKey: string; adminKeyKcv: string }>(
      pathTo(api.cards.replaceAdminKey, { id }),
      { adminKey: { algorithm: 'aes128', derive: true }, reason: 'check the imported derivation' },
    );
    expect(rekeyed.status, rekeyed.text).toBe(200);
    expect(rekeyed.body.adminKeyKcv).toBe(detail.body.adminKey.kcv);
    await expectResponseUnder(f.operator, id, 'aes128', rekeyed.body.generatedAdminKey);
  });

  it('is for admins only, and asks for a token before reading the file', async () => {
    const csv = `${HEADER}\n${line(f.profileName, newLine())}\n`;
    expect((await postCsv(server.api, csv)).status).toBe(401);
    expect((await postCsv(f.operator, csv)).status).toBe(403);
    expect((await postCsv(f.auditor, csv)).status).toBe(403);
    // JSON is taken (an array of objects); one object is not an array. Other types are refused.
    const json = await f.admin.post<{ lines: { problem: string }[] }>(pathTo(api.imports.run), { csv });
    expect(json.status).toBe(422);
    expect(json.body.lines.map((entry) => entry.problem)).toEqual(['format.not_array']);
    const plain = await f.admin.request('POST', pathTo(api.imports.run), csv, {
      'content-type': 'text/plain',
    });
    expect(plain.status).toBe(415);
  });

  it('imports a JSON array of objects with the same fields, and names bad items by index and line', async () => {
    const entries = [newLine('aes128'), newLine('aes256')];
    const items = entries.map((entry) => ({
      username: entry.username,
      display_name: `Smith, ${entry.username}`, // a comma: fine in JSON
      email: `${entry.username}@example.org`,
      serial: entry.serial,
      type: 'gids',
      profile: f.profileName,
      algorithm: entry.algorithm,
      key: entry.key,
    }));
    keysSeen.push(...entries.map((entry) => entry.key));
    const postJson = (body: string, query = '') =>
      f.admin.request<{
        imported: { users: number; cards: number };
        wouldImport: { users: number; cards: number };
        lines: { line: number; item?: number; column: string | null; problem: string }[];
        badLines: number;
      }>('POST', `${pathTo(api.imports.run)}${query}`, body, { 'content-type': 'application/json' });
    const [first, second] = items;
    const bad = JSON.stringify(
      [
        first,
        { ...second, key: 'ABCD', colour: 'blue' },
        'not an object',
        { ...second, serial: first?.serial, master_version: 1, key: second?.key },
      ],
      null,
      2,
    );
    const refused = await postJson(bad);
    expect(refused.status, refused.text).toBe(422);
    expect(refused.body.badLines).toBe(3);
    const where = refused.body.lines.map((entry) => [entry.item, entry.line, entry.problem]);
    // Pretty-printed with 2 spaces: item 0 starts on line 2, each item of 10 lines after it.
    expect(where).toEqual(
      expect.arrayContaining([
        [1, 12, 'field.unknown'],
        [2, 23, 'format.not_object'],
        [3, 24, 'key.ambiguous'],
      ]),
    );
    expect(refused.text).not.toContain(second?.key ?? 'x');
    expect(await isRegistered(f.admin, first?.serial ?? '')).toBe(false);
    const broken = await postJson('[\n{"username": "a",\n}\n]');
    expect(broken.status).toBe(422);
    expect(broken.body.lines[0]).toMatchObject({ line: 3, problem: 'format.json' });

    const dry = await postJson(JSON.stringify(items), '?dryRun=true');
    expect(dry.status, dry.text).toBe(200);
    expect(dry.body.wouldImport).toEqual({ users: 2, cards: 2 });
    const imported = await postJson(JSON.stringify(items));
    expect(imported.status, imported.text).toBe(201);
    expect(imported.body.imported).toEqual({ users: 2, cards: 2 });
    expect(await isRegistered(f.admin, first?.serial ?? '')).toBe(true);
  });

  it('imports a big file (the bulk path) with its indexes and foreign keys intact, and shows its progress to its sender only', async () => {
    const entries = Array.from({ length: 1_200 }, () => newLine('aes128'));
    const csv = `${HEADER}\n${entries.map((entry) => line(f.profileName, entry)).join('\n')}\n`;
    expect((await f.admin.get(pathTo(api.imports.progress))).status).toBe(404);
    const state = { settled: false };
    const pending = postCsv(f.admin, csv).finally(() => {
      state.settled = true;
    });
    const seen: string[] = [];
    let otherSaw = 0;
    while (!state.settled && seen.length === 0) {
      const progress = await f.admin.get<{ phase: string; done: number; total: number }>(
        pathTo(api.imports.progress),
      );
      if (progress.status === 200) seen.push(progress.body.phase);
      if ((await f.operator.get(pathTo(api.imports.progress))).status === 200) otherSaw++;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const imported = await pending;
    expect(imported.status, imported.text).toBe(201);
    expect(imported.body.imported).toEqual({ users: 1_200, cards: 1_200 });
    expect(seen.length, 'the progress was seen while the import ran').toBeGreaterThan(0);
    expect(otherSaw).toBe(0);
    // Search (trigram and prefix indexes) finds the new users and cards.
    const last = entries.at(-1);
    const users = await f.admin.get<{ items: { username: string }[] }>(
      `${pathTo(api.users.list)}?q=${last?.username.slice(2) ?? ''}`,
    );
    expect(users.body.items.map((user) => user.username)).toContain(last?.username);
    expect(await isRegistered(f.admin, last?.serial ?? '')).toBe(true);
    // The unique indexes are back: the same file again is refused line by line.
    const again = await postCsv(f.admin, csv, '?dryRun=true');
    expect(again.status).toBe(422);
    expect(again.body.lines[0]?.problem).toBe('serial.registered');
  });

  it('exports the inventory without keys, for admins and auditors', async () => {
    const exported = await f.auditor.request('GET', pathTo(api.cards.exportCsv));
    expect(exported.status).toBe(200);
    expect(exported.headers.get('content-type')).toContain('text/csv');
    const rows = exported.text.trim().split('\n');
    expect(rows[0]).toBe(
      'serial,type,state,username,display_name,email,profile,algorithm,kcv,attempts_used,key_blocked,registered_at',
    );
    expect(rows.some((row) => row.startsWith(`${f.serial},gids,active,${f.username},`))).toBe(true);
    expect(rows.length).toBeGreaterThan(10);
    for (const key of keysSeen) expect(exported.text.toLowerCase()).not.toContain(key.toLowerCase());
    expect((await f.operator.request('GET', pathTo(api.cards.exportCsv))).status).toBe(403);
  });

  it('never writes an imported key to the log', () => {
    const log = server.logs.join('\n').toLowerCase();
    expect(keysSeen.length).toBeGreaterThan(5);
    for (const key of keysSeen) expect(log).not.toContain(key.toLowerCase());
  });

  it.skipIf(kind !== 'postgres')('keeps imported keys out of a pg_dump', () => {
    const dump = execFileSync('pg_dump', ['--dbname', server.database.url ?? ''], {
      maxBuffer: 64 * 1024 * 1024,
    });
    for (const key of keysSeen) {
      expect(dump.includes(Buffer.from(key.toLowerCase()))).toBe(false);
      expect(dump.includes(Buffer.from(key.toUpperCase()))).toBe(false);
      expect(dump.includes(Buffer.from(key, 'hex'))).toBe(false);
    }
  });
});

/** Every file below `dir`, recursively. */
function filesBelow(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesBelow(path) : [path];
  });
}

describe('no imported key in clear in the embedded database files', () => {
  let server: TestServer;
  let f: Fixture;
  const keys = [newLine('3des'), newLine('aes256')];
  beforeAll(async () => {
    server = await startTestServer('pglite', { onDisk: true });
    f = await createFixture(server.api);
  });
  afterAll(async () => {
    await server.close();
  });

  it('seals every key before it reaches DATA_DIR', async () => {
    const csv = `${HEADER}\n${keys.map((entry) => line(f.profileName, entry)).join('\n')}\n`;
    expect((await postCsv(f.admin, csv)).status).toBe(201);
    await server.server.close();
    const contents = filesBelow(join(server.dataDir, 'pglite')).map((file) => readFileSync(file));
    expect(contents.some((content) => content.includes(Buffer.from(keys[0]?.serial ?? '')))).toBe(true);
    for (const { key } of keys) {
      for (const needle of [
        Buffer.from(key.toLowerCase()),
        Buffer.from(key.toUpperCase()),
        Buffer.from(key, 'hex'),
      ]) {
        expect(contents.some((content) => content.includes(needle))).toBe(false);
      }
    }
  });
});
