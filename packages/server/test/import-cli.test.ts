import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runImportCli, type CliIo } from '../src/import-cli/import-cli.js';
import { createFixture, unique, type Fixture } from '@cardwarden/integration-tests/fixtures';
import { ADMIN, startTestServer, type TestServer } from '@cardwarden/integration-tests/test-server';
import { api, pathTo } from '@cardwarden/contract';

const HEADER = 'username,display_name,email,serial,type,profile,algorithm,key';

function collector(): { stream: Writable; text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  return { stream, text: () => chunks.join('') };
}

/** A terminal that types `keys` once the command asks. */
function fakeTerminal(
  keys: string,
): PassThrough & { isTTY: true; rawModes: boolean[]; setRawMode: (mode: boolean) => void } {
  const input = Object.assign(new PassThrough(), {
    isTTY: true as const,
    rawModes: [] as boolean[],
    setRawMode(mode: boolean) {
      input.rawModes.push(mode);
    },
  });
  input.write(keys);
  return input;
}

describe('npm run import', () => {
  let server: TestServer;
  let f: Fixture;
  let dir: string;
  const keys: string[] = [];

  beforeAll(async () => {
    server = await startTestServer('pglite');
    f = await createFixture(server.api);
    dir = mkdtempSync(join(tmpdir(), 'cardwarden-import-cli-'));
  });
  afterAll(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  function csvFile(lines: number, profile = f.profileName): { path: string; serials: string[] } {
    const serials: string[] = [];
    const rows = Array.from({ length: lines }, () => {
      const user = unique('cli');
      const serial = unique('CLI').toUpperCase();
      const key = randomBytes(16).toString('hex');
      keys.push(key);
      serials.push(serial);
      return `${user},CLI ${user},${user}@example.org,${serial},piv,${profile},aes128,${key}`;
    });
    const path = join(dir, `${unique('file')}.csv`);
    writeFileSync(path, `${HEADER}\n${rows.join('\n')}\n`);
    return { path, serials };
  }

  async function run(args: string[], env: Record<string, string> = {}, stdin = new PassThrough()) {
    const stdout = collector();
    const stderr = collector();
    const io: CliIo = { env, stdin, stdout: stdout.stream, stderr: stderr.stream };
    const code = await runImportCli(args, io);
    return { code, stdout: stdout.text(), stderr: stderr.text() };
  }

  it('checks on --dry-run, then imports, showing the bytes sent', async () => {
    const { path, serials } = csvFile(3);
    const token = { CARDWARDEN_TOKEN: f.admin.token ?? '' };
    const dry = await run([path, '--server', server.url, '--dry-run'], token);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toContain('Dry run: the file is good');
    expect(dry.stdout).toContain('3 cards');
    expect(dry.stderr).toMatch(/sent 0\.0 MB of 0\.0 MB \(100 %\)/);
    const found = await f.admin.get<{ items: unknown[] }>(
      `${pathTo(api.cards.list)}?serial=${serials[0] ?? ''}`,
    );
    expect(found.body.items).toHaveLength(0);

    const real = await run([path, '--server', server.url], token);
    expect(real.code, real.stderr).toBe(0);
    expect(real.stdout).toContain('Imported 3 new users and 3 cards.');
    const after = await f.admin.get<{ items: unknown[] }>(
      `${pathTo(api.cards.list)}?serial=${serials[0] ?? ''}`,
    );
    expect(after.body.items).toHaveLength(1);
  });

  it('prints every bad line and exits 1', async () => {
    const { path } = csvFile(2, 'no-such-profile');
    const result = await run([path, '--server', server.url], { CARDWARDEN_TOKEN: f.admin.token ?? '' });
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^line 2 \(profile\): no card profile is named "no-such-profile"/m);
    expect(result.stdout).toMatch(/^line 3 \(profile\)/m);
    expect(result.stdout).toContain('nothing was imported');
    for (const key of keys) expect(result.stdout + result.stderr).not.toContain(key);
  });

  it('signs in interactively without echoing the password, and signs out after', async () => {
    const { path } = csvFile(1);
    const terminal = fakeTerminal(`${ADMIN.password}\r`);
    const result = await run([path, '--server', server.url, '--username', ADMIN.username], {}, terminal);
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.stderr).toContain(`Password for ${ADMIN.username}: ${'*'.repeat(ADMIN.password.length)}`);
    expect(result.stderr).not.toContain(ADMIN.password);
    expect(terminal.rawModes).toEqual([true, false]);
  });

  it('needs a token or a terminal, a server and a readable file', async () => {
    const { path } = csvFile(1);
    const noToken = await run([path, '--server', server.url]);
    expect(noToken.code).toBe(2);
    expect(noToken.stderr).toContain('CARDWARDEN_TOKEN');
    const noServer = await run([path], { CARDWARDEN_TOKEN: 'x'.repeat(32) });
    expect(noServer.code).toBe(2);
    expect(noServer.stderr).toContain('usage: npm run import');
    const noFile = await run([join(dir, 'missing.csv'), '--server', server.url], {
      CARDWARDEN_TOKEN: 'x'.repeat(32),
    });
    expect(noFile.code).toBe(2);
    expect(noFile.stderr).toContain('cannot read');
    const badToken = await run([path, '--server', server.url], { CARDWARDEN_TOKEN: 'x'.repeat(32) });
    expect(badToken.code).toBe(1);
    expect(badToken.stdout).toContain('sign in again');
  });
});
