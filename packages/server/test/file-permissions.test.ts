import { chmodSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { entriesOpenToOthers } from '../src/db/private-files.js';
import { createFixture } from '@cardwarden/integration-tests/fixtures';
import { ADMIN } from '@cardwarden/integration-tests/admin';
import {
  runServerCli,
  serverCliFromSource,
  startServerProcess,
} from '@cardwarden/integration-tests/server-process';
import { createTestDatabase, type TestDatabase } from '@cardwarden/integration-tests/test-database';
import { forEachDatabase } from '@cardwarden/integration-tests/test-server';
import { api, pathTo } from '@cardwarden/contract';

forEachDatabase('files of the data directory', (kind) => {
  let base: string;
  let dataDir: string;
  let database: TestDatabase;
  let env: Record<string, string>;

  beforeEach(async () => {
    // The parent is shared like /tmp; the data directory does not exist yet.
    base = mkdtempSync(join(tmpdir(), 'cardwarden-perm-'));
    chmodSync(base, 0o777);
    dataDir = join(base, 'data');
    database = await createTestDatabase(kind);
    env = { DATA_DIR: dataDir, LOG_LEVEL: 'info', ...(database.url ? { DATABASE_URL: database.url } : {}) };
  });
  afterEach(async () => {
    await database.drop();
    rmSync(base, { recursive: true, force: true });
  });

  /** `cardwarden-server serve` from the sources, under `umask` as a shell would set it. */
  const startServer = (umask = '022') =>
    startServerProcess({ command: serverCliFromSource('serve'), dataDir, admin: ADMIN, umask, env });
  const runCli = (args: string[], more: Record<string, string>) =>
    runServerCli(args, { admin: ADMIN, env: { ...env, ...more } });

  it('leaves nothing open to other users after start, after an unblock and after stop, even with umask 000', async () => {
    const server = await startServer('000');
    try {
      expect(statSync(dataDir).mode & 0o777).toBe(0o700);
      expect(entriesOpenToOthers(dataDir)).toEqual([]);

      const f = await createFixture(server.api);
      const session = await f.operator.post<{ id: string }>(
        pathTo(api.offlineUnblocks.start, { id: f.cardId }),
        {},
      );
      const issued = await f.operator.post(pathTo(api.offlineUnblocks.response, { id: session.body.id }), {
        challenge: '0557897F8D84407B',
      });
      expect(issued.status).toBe(200);
      expect(
        (
          await f.operator.post(pathTo(api.offlineUnblocks.outcome, { id: session.body.id }), {
            result: 'unblocked',
          })
        ).status,
      ).toBe(200);
      expect(entriesOpenToOthers(dataDir)).toEqual([]);
    } finally {
      expect(await server.stop()).toBe(0);
    }
    expect(entriesOpenToOthers(dataDir)).toEqual([]);
  });

  // The server refuses either with the same words; each case opens one of them up and closes it again.
  it.each([
    { what: 'KEK file', path: () => join(dataDir, 'kek.key'), open: 0o644, closed: 0o600 },
    { what: 'data directory', path: () => dataDir, open: 0o755, closed: 0o700 },
  ])(
    'refuses a $what that others can read, with the chmod that fixes it',
    async ({ what, path, open, closed }) => {
      await (await startServer()).stop();
      chmodSync(path(), open);
      const refused = await runCli(['serve'], { PORT: '0', HOST: '127.0.0.1' });
      expect(refused.status).toBe(1);
      const mode = (bits: number) => bits.toString(8);
      expect(refused.output.trim()).toBe(
        `cardwarden: the ${what} ${path()} is open to other users (mode 0${mode(open)}): run "chmod ${mode(closed)} ${path()}" and start again`,
      );
      chmodSync(path(), closed);
      await (await startServer()).stop();
    },
  );

  it('refuses a data directory that others can read, with the chmod that fixes it', async () => {
    await (await startServer()).stop();
    chmodSync(dataDir, 0o755);
    const refused = await runCli(['serve'], { PORT: '0', HOST: '127.0.0.1' });
    expect(refused.status).toBe(1);
    expect(refused.output.trim()).toBe(
      `cardwarden: the data directory ${dataDir} is open to other users (mode 0755): run "chmod 700 ${dataDir}" and start again`,
    );
    chmodSync(dataDir, 0o700);
    await (await startServer()).stop();
  });
});
