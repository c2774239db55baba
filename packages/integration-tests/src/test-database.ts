/** Fresh databases for tests: in-memory PGlite, or a new database on the PostgreSQL of TEST_DATABASE_URL. */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { DatabaseTarget } from '@cardwarden/server';

export type DatabaseKind = 'pglite' | 'postgres';

export interface TestDatabase {
  readonly target: DatabaseTarget;
  /** The PostgreSQL URL of this database (postgres only). */
  readonly url: string | undefined;
  drop(): Promise<void>;
}

function adminUrl(): string {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) throw new Error('TEST_DATABASE_URL is not set');
  return url;
}

export async function createTestDatabase(kind: DatabaseKind): Promise<TestDatabase> {
  if (kind === 'pglite')
    return { target: { kind: 'pglite', dir: undefined }, url: undefined, drop: () => Promise.resolve() };
  const name = `cardwarden_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl() });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(adminUrl());
  url.pathname = `/${name}`;
  return {
    target: { kind: 'postgres', url: url.toString() },
    url: url.toString(),
    async drop() {
      const client = new pg.Client({ connectionString: adminUrl() });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}
