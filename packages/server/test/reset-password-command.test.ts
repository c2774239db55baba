/**
 * `npm run reset-password -- USERNAME` (the server's `reset-password` command), run as a real process:
 * recovery of a staff account when no admin can sign in.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { createOperator } from '@cardwarden/integration-tests/fixtures';
import { CLEAN_SERVER_ENV, runProcess, SERVER_CLI } from './support/run-process.js';
import {
  ADMIN,
  forEachDatabase,
  startTestServer,
  type TestServer,
} from '@cardwarden/integration-tests/test-server';
import { api, pathTo } from '@cardwarden/contract';

const LINE = /^New password for (\S+): ([A-Za-z0-9\-_.~+=]+)$/;

forEachDatabase('reset-password command', (kind) => {
  const root = mkdtempSync(join(tmpdir(), 'cardwarden-reset-password-'));
  const dataDir = join(root, 'data');
  let server: TestServer | undefined;
  afterAll(async () => {
    await server?.close();
    rmSync(root, { recursive: true, force: true });
  });

  async function serve(): Promise<TestServer> {
    server = await startTestServer(kind, {
      ...(server ? { database: server.database } : {}),
      onDisk: true,
      dataDir,
    });
    return server;
  }

  async function resetPassword(...args: string[]) {
    const command = runProcess(process.execPath, [SERVER_CLI, 'reset-password', ...args], {
      ...CLEAN_SERVER_ENV,
      DATA_DIR: dataDir,
      DATABASE_URL: server?.database.url,
    });
    const code = await command.exited;
    return { code, stdout: command.stdout(), stderr: command.stderr() };
  }

  it('prints a new password once, ends the sessions, audits it; on PostgreSQL while the server runs', async () => {
    const running = await serve();
    const admin = await running.api.login(ADMIN.username, ADMIN.password);
    const { username, client: operator } = await createOperator(admin, 'operator');
    expect((await operator.get(pathTo(api.users.list))).status).toBe(200);

    if (kind === 'pglite') {
      // The embedded database allows one process: the command refuses while the server runs.
      const refused = await resetPassword(username);
      expect(refused.code).not.toBe(0);
      expect(refused.stderr.trim().split('\n')).toHaveLength(1);
      expect(refused.stderr).toContain('is in use by "cardwarden server"');
      expect(refused.stderr).not.toMatch(/^\s+at /m);
      expect(refused.stdout).toBe('');
      await running.close();
    }

    const reset = await resetPassword(username.toUpperCase());
    expect(reset.code, reset.stderr).toBe(0);
    const lines = reset.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const [, named, password] = LINE.exec(lines[0] ?? '') ?? [];
    expect(named).toBe(username);
    expect(password?.length).toBeGreaterThanOrEqual(16);

    const after = kind === 'pglite' ? await serve() : running;
    // The old session ended (PostgreSQL: while the server ran); only the new password signs in.
    expect((await after.api.as(operator.token ?? '').get(pathTo(api.users.list))).status).toBe(401);
    expect(
      (await after.api.post(pathTo(api.auth.login), { username, password: `${username} long password` }))
        .status,
    ).toBe(401);
    const login = await after.api.post(pathTo(api.auth.login), { username, password });
    expect(login.status).toBe(200);
    // Whoever runs the command may be the last admin: the password is theirs, not a one-time one.
    expect(login.body).toMatchObject({ mustChangePassword: false });

    const auditor = await after.api.login(ADMIN.username, ADMIN.password);
    const audit = await auditor.get<{ items: { actor: string; actorType: string; details: object }[] }>(
      `${pathTo(api.audit.list)}?action=operator.password_reset`,
    );
    expect(audit.body.items[0]).toMatchObject({
      actor: 'reset-password command',
      actorType: 'system',
      details: { operator: username, local: true },
    });
    expect(JSON.stringify(audit.body)).not.toContain(password ?? '');
  }, 120_000);

  it('says in one line that an unknown account does not exist, and needs a username', async () => {
    if (kind === 'pglite') await server?.close();
    const unknown = await resetPassword('nobody-by-this-name');
    expect(unknown.code).not.toBe(0);
    expect(unknown.stdout).toBe('');
    expect(unknown.stderr.trim().split('\n')).toHaveLength(1);
    expect(unknown.stderr).toContain('no staff account is named "nobody-by-this-name"');

    const missing = await resetPassword();
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toContain('reset-password USERNAME');
  }, 60_000);
});
