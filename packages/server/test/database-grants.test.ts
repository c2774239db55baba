import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWith } from '@cardwarden/integration-tests/system-parts';
import { openDatabase } from '../src/db/connect.js';
import { verifyAuditChains } from '../src/services/audit-chain.service.js';
import { createFixture } from '@cardwarden/integration-tests/fixtures';
import { createTestDatabase, type TestDatabase } from '@cardwarden/integration-tests/test-database';
import { startTestServer, type TestServer } from '@cardwarden/integration-tests/test-server';

/** The grants docs/durability.md gives, for an owner role and a server role of its own. */
const APP_GRANTS = (app: string): string[] => [
  `GRANT USAGE ON SCHEMA public, drizzle TO ${app}`,
  `GRANT SELECT ON drizzle.__drizzle_migrations TO ${app}`,
  `GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO ${app}`,
  `REVOKE UPDATE, DELETE ON audit_events FROM ${app}`,
  `REVOKE INSERT, UPDATE, DELETE ON audit_chain_heads FROM ${app}`,
  `GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO ${app}`,
];

async function run(url: string, statements: string[]): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    for (const statement of statements) await client.query(statement);
  } finally {
    await client.end();
  }
}

function asRole(url: string, role: string): string {
  const parsed = new URL(url);
  parsed.username = role;
  return parsed.toString();
}

describeWith(['postgresql'], 'a server role of its own cannot get around the audit triggers', () => {
  const suffix = randomBytes(4).toString('hex');
  const owner = `cw_owner_${suffix}`;
  const app = `cw_app_${suffix}`;
  let database: TestDatabase;
  let server: TestServer;
  let appUrl: string;

  beforeAll(async () => {
    database = await createTestDatabase('postgres');
    const superuser = database.url ?? '';
    await run(superuser, [
      `CREATE ROLE ${owner} LOGIN`,
      `CREATE ROLE ${app} LOGIN`,
      `GRANT CREATE ON DATABASE ${new URL(superuser).pathname.slice(1)} TO ${owner}`,
      `GRANT ALL ON SCHEMA public TO ${owner}`,
    ]);
    // The owner runs the migrations (start any Cardwarden command once with its URL) and grants.
    const ownerUrl = asRole(superuser, owner);
    await (await openDatabase({ kind: 'postgres', url: ownerUrl })).close();
    await run(ownerUrl, APP_GRANTS(app));
    appUrl = asRole(superuser, app);
    server = await startTestServer('postgres', {
      database: { ...database, url: appUrl, target: { kind: 'postgres', url: appUrl } },
    });
  });
  afterAll(async () => {
    await server.close();
    await database.drop();
    await run(process.env.TEST_DATABASE_URL ?? '', [
      `DROP ROLE IF EXISTS ${app}`,
      `DROP ROLE IF EXISTS ${owner}`,
    ]);
  });

  it('serves with those grants, and every way around the triggers is refused', async () => {
    await createFixture(server.api);
    for (const statement of [
      'ALTER TABLE audit_events DISABLE TRIGGER USER',
      'ALTER TABLE audit_events DISABLE TRIGGER audit_events_chain',
      'DROP TRIGGER audit_events_no_update_or_delete ON audit_events',
      'SET session_replication_role = replica',
      "UPDATE audit_events SET actor = 'someone else'",
      'DELETE FROM audit_events',
      'TRUNCATE audit_events',
      "UPDATE audit_chain_heads SET head_hash = ''",
      'CREATE OR REPLACE FUNCTION audit_events_chain() RETURNS trigger AS $$ BEGIN RETURN NEW; END $$ LANGUAGE plpgsql',
    ]) {
      await expect(run(appUrl, [statement]), statement).rejects.toThrow(
        /permission denied|must be owner|append-only/,
      );
    }
    const report = await verifyAuditChains(server.server.ctx.db);
    expect(report.breaks).toEqual([]);
    expect(report.events).toBeGreaterThan(5);
  });
});
