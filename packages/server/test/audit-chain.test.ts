import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { sql } from 'drizzle-orm';
import { afterEach, expect, it } from 'vitest';
import { verifyAuditChains } from '../src/services/audit-chain.service.js';
import { createFixture } from '@cardwarden/integration-tests/fixtures';
import { ADMIN } from '@cardwarden/integration-tests/admin';
import { runServerCli } from '@cardwarden/integration-tests/server-process';
import { forEachDatabase, startTestServer, type TestServer } from '@cardwarden/integration-tests/test-server';
import { api, pathTo } from '@cardwarden/contract';

/** Runs SQL as the database superuser, behind the server's back (the server stopped for PGlite). */
async function asSuperuser(server: TestServer, statements: string[]): Promise<unknown[][]> {
  const results: unknown[][] = [];
  if (server.database.url) {
    const client = new pg.Client({ connectionString: server.database.url });
    await client.connect();
    try {
      for (const statement of statements) results.push((await client.query(statement)).rows);
    } finally {
      await client.end();
    }
  } else {
    const db = new PGlite(join(server.dataDir, 'pglite'));
    try {
      for (const statement of statements) results.push((await db.query(statement)).rows);
    } finally {
      await db.close();
    }
  }
  return results;
}

forEachDatabase('tamper-evident audit', (kind) => {
  const running: TestServer[] = [];
  afterEach(async () => {
    for (const server of running.splice(0)) await server.close();
  });

  async function start(): Promise<TestServer> {
    // Its tests change events behind the server's back: no vocabulary check of what is left.
    const server = await startTestServer(kind, { onDisk: true, auditVocabulary: false });
    running.push(server);
    return server;
  }

  /** `npm run audit:verify` as the docs say: beside the server on PostgreSQL, server stopped on PGlite. */
  async function verify(server: TestServer): Promise<{ status: number | null; output: string }> {
    if (server.database.url) {
      // DATA_DIR is ignored with DATABASE_URL: a directory that does not exist stays so.
      const elsewhere = join(mkdtempSync(join(tmpdir(), 'cardwarden-elsewhere-')), 'data');
      const result = await runServerCli(['audit-verify'], {
        admin: ADMIN,
        env: { DATABASE_URL: server.database.url, DATA_DIR: elsewhere },
      });
      expect(existsSync(elsewhere)).toBe(false);
      return result;
    }
    await server.server.close();
    return runServerCli(['audit-verify'], { admin: ADMIN, env: { DATA_DIR: server.dataDir } });
  }

  it('audit-verify passes an untouched log and names the event changed behind the triggers', async () => {
    const server = await start();
    const f = await createFixture(server.api);
    const events = await f.admin.get<{ items: { id: string; action: string }[] }>(
      `${pathTo(api.audit.list)}?limit=100`,
    );
    const target = events.body.items.find((item) => item.action === 'card.registered');
    expect(target).toBeDefined();

    const intact = await verify(server);
    expect(intact.output).toContain('audit chain intact');
    expect(intact.status).toBe(0);

    const disable = server.database.url
      ? ['SET session_replication_role = replica']
      : ['ALTER TABLE audit_events DISABLE TRIGGER USER'];
    await asSuperuser(server, [
      ...disable,
      `UPDATE audit_events SET details = '{"note":"nothing happened"}' WHERE id = '${target?.id ?? ''}'`,
      ...(server.database.url ? [] : ['ALTER TABLE audit_events ENABLE TRIGGER USER']),
    ]);
    const broken = await verify(server);
    expect(broken.status).toBe(1);
    expect(broken.output).toContain(`audit chain BROKEN at event ${target?.id ?? ''}`);
    expect(broken.output).toContain('card.registered');
    expect(broken.output).toContain('changed after it was written');
    // The embedded database is opened four times here (server, CLI, superuser, CLI): slow on a busy machine.
  }, 120_000);

  it('refuses TRUNCATE, UPDATE and DELETE; accepts rows copied in by INSERT … SELECT', async () => {
    const server = await start();
    await createFixture(server.api);
    if (!server.database.url) await server.server.close();
    const copy =
      'INSERT INTO audit_events (at, actor, actor_type, action, card_id, user_id, session_id, ticket, details) ' +
      "SELECT at, actor, actor_type, action, card_id, user_id, session_id, ticket, details FROM audit_events WHERE action = 'card.registered'";
    for (const statement of [
      'TRUNCATE audit_events',
      "UPDATE audit_events SET actor = 'someone else'",
      'DELETE FROM audit_events',
    ]) {
      await expect(asSuperuser(server, [statement])).rejects.toThrow(/append-only/);
    }
    await asSuperuser(server, [copy]);
    // Copied with the triggers on: the database chains the copies too.
    expect((await verify(server)).status).toBe(0);

    if (server.database.url) {
      await asSuperuser(server, ['SET session_replication_role = replica', copy]);
      const flagged = await verify(server);
      expect(flagged.status).toBe(1);
      expect(flagged.output).toContain('in no chain');
    }
  }, 120_000);

  it('keeps every chain consistent under concurrent inserts, and checks it at run time', async () => {
    const server = await start();
    const f = await createFixture(server.api);
    // Sixty requests at once, each writing audit events on many different cards and users.
    await Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        f.admin.post(pathTo(api.users.create), {
          username: `concurrent-${String(i)}`,
          displayName: `C ${String(i)}`,
          email: `c${String(i)}@example.org`,
        }),
      ),
    );
    const report = await verifyAuditChains(server.server.ctx.db);
    expect(report.breaks).toEqual([]);
    expect(report.events).toBeGreaterThan(60);
    expect(
      new Set(report.heads.filter((head) => head.pos > 0).map((head) => head.chain)).size,
    ).toBeGreaterThan(4);

    await server.server.auditCheckpoint();
    const checkpoint = server.logs.filter((line) => line.includes('audit chain checkpoint')).at(-1) ?? '';
    expect(JSON.parse(checkpoint)).toMatchObject({ level: 30, auditCheckpoint: expect.any(Array) });

    // Changed at run time: logged as an error, and the server keeps serving.
    const newest = await f.admin.get<{ items: { id: string }[] }>(`${pathTo(api.audit.list)}?limit=1`);
    const [victim] = newest.body.items;
    await asSuperuserInProcess(server, victim?.id ?? '');
    await server.server.auditCheckpoint();
    const error = server.logs.find((line) => line.includes('audit chain broken'));
    expect(error).toContain(victim?.id ?? 'none');
    expect(JSON.parse(error ?? '{}')).toMatchObject({ level: 50 });
    expect((await f.admin.get(`${pathTo(api.audit.list)}?limit=1`)).status).toBe(200);
  });
});

/** Changes one event with the triggers off through the server's own connection (PGlite runs in-process). */
async function asSuperuserInProcess(server: TestServer, id: string): Promise<void> {
  const db = server.server.ctx.db;
  await db.transaction(async (tx) => {
    await tx.execute(sql`alter table audit_events disable trigger user`);
    await tx.execute(sql`update audit_events set actor = 'nobody' where id = ${id}`);
    await tx.execute(sql`alter table audit_events enable trigger user`);
  });
}
