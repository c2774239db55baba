import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { is, sql } from 'drizzle-orm';
import { getTableConfig, PgTable } from 'drizzle-orm/pg-core';
import { drizzle } from 'drizzle-orm/pglite';
import { migrate } from 'drizzle-orm/pglite/migrator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CARD_TYPES, OPERATOR_ROLES } from '@cardwarden/contract/enums';
import { MIGRATIONS_FOLDER, openDatabase, type DatabaseHandle } from '../src/db/connect.js';
import * as schema from '../src/db/schema.js';
import { createTestDatabase, type TestDatabase } from '@cardwarden/integration-tests/test-database';
import { forEachDatabase } from '@cardwarden/integration-tests/test-server';

/** The migration that added the CHECK constraints of the contract's words. */
const ENUM_CHECKS_MIGRATION = 'struct_enum_checks';

describe('the database schema', () => {
  it('keeps every column of enumerated words to them with a CHECK constraint', () => {
    const enumerated: string[] = [];
    const unchecked: string[] = [];
    for (const table of Object.values(schema)) {
      if (!is(table, PgTable)) continue;
      const config = getTableConfig(table);
      for (const column of config.columns) {
        if (!column.enumValues?.length) continue;
        const name = `${config.name}_${column.name}_check`;
        enumerated.push(name);
        if (!config.checks.some((check) => check.name === name))
          unchecked.push(`${config.name}.${column.name}`);
      }
    }
    expect(enumerated).toContain('operators_role_check');
    expect(enumerated).toContain('cards_type_check');
    expect(unchecked).toEqual([]);
  });

  it('takes the words of its columns from the contract', () => {
    expect(getTableConfig(schema.operators).columns.find((c) => c.name === 'role')?.enumValues).toEqual([
      ...OPERATOR_ROLES,
    ]);
    expect(getTableConfig(schema.cards).columns.find((c) => c.name === 'type')?.enumValues).toEqual([
      ...CARD_TYPES,
    ]);
  });
});

forEachDatabase('CHECK constraints of the contract’s words', (kind) => {
  let database: TestDatabase;
  let handle: DatabaseHandle;

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    handle = await openDatabase(database.target);
  });

  afterAll(async () => {
    await handle.close();
    await database.drop();
  });

  /** The constraint a statement broke, or null when it went through (rolled back either way). */
  async function brokenConstraint(statement: ReturnType<typeof sql>): Promise<string | null> {
    try {
      await handle.db.transaction(async (tx) => {
        await tx.execute(statement);
        throw new Rollback();
      });
    } catch (error) {
      if (error instanceof Rollback) return null;
      const cause =
        (error as { cause?: { constraint?: string } }).cause ?? (error as { constraint?: string });
      return cause.constraint ?? String(error);
    }
    return null;
  }

  it('refuses a word the clients do not know, whoever writes it', async () => {
    expect(
      await brokenConstraint(
        sql`insert into operators (username, password_hash, role) values ('mallory', 'x', 'root')`,
      ),
    ).toBe('operators_role_check');
    expect(
      await brokenConstraint(
        sql`insert into operators (username, password_hash, role, state) values ('mallory', 'x', 'issuer', 'gone')`,
      ),
    ).toBe('operators_state_check');
    expect(
      await brokenConstraint(sql`insert into profiles (name, admin_key_source) values ('Odd', 'guessed')`),
    ).toBe('profiles_admin_key_source_check');
    expect(
      await brokenConstraint(
        sql`insert into audit_events (actor, actor_type, action) values ('robot', 'robot', 'robot.acted')`,
      ),
    ).toBe('audit_events_actor_type_check');
  });

  it('takes every word the contract has, `issuer` included', async () => {
    for (const role of OPERATOR_ROLES) {
      expect(
        await brokenConstraint(
          sql`insert into operators (username, password_hash, role) values (${`op-${role}`}, 'x', ${role})`,
        ),
      ).toBeNull();
    }
  });
});

describe('the CHECK constraints migration on an existing embedded database', () => {
  let before: string;
  let dir: string;

  beforeAll(() => {
    // The migrations folder as it was before the CHECK constraints: the journal without that migration
    // (and any that came after it).
    before = mkdtempSync(join(tmpdir(), 'cardwarden-migrations-'));
    cpSync(MIGRATIONS_FOLDER, before, { recursive: true });
    const journalPath = join(before, 'meta', '_journal.json');
    const journal = JSON.parse(readFileSync(journalPath, 'utf8')) as { entries: { tag: string }[] };
    const at = journal.entries.findIndex((entry) => entry.tag.endsWith(ENUM_CHECKS_MIGRATION));
    expect(at).toBeGreaterThan(0);
    writeFileSync(journalPath, JSON.stringify({ ...journal, entries: journal.entries.slice(0, at) }));
    dir = mkdtempSync(join(tmpdir(), 'cardwarden-pglite-'));
  });

  afterAll(() => {
    rmSync(before, { recursive: true, force: true });
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps the rows a data directory already has, and checks new ones', async () => {
    const older = await PGlite.create(dir, { extensions: { pg_trgm } });
    await migrate(drizzle({ client: older }), { migrationsFolder: before });
    await older.exec(`
      insert into operators (username, password_hash, role) values ('ivy', 'x', 'issuer');
      insert into profiles (name, admin_key_source) values ('Derived', 'derived');`);
    await older.close();

    const upgraded = await PGlite.create(dir, { extensions: { pg_trgm } });
    try {
      await migrate(drizzle({ client: upgraded }), { migrationsFolder: MIGRATIONS_FOLDER });
      const rows = await upgraded.query<{ role: string }>(
        `select role from operators where username = 'ivy'`,
      );
      expect(rows.rows).toEqual([{ role: 'issuer' }]);
      const checks = await upgraded.query<{ conname: string }>(
        `select conname from pg_constraint where conname in ('operators_role_check', 'cards_type_check')
         order by conname`,
      );
      expect(checks.rows.map((row) => row.conname)).toEqual(['cards_type_check', 'operators_role_check']);
      await expect(
        upgraded.query(`insert into operators (username, password_hash, role) values ('eve', 'x', 'root')`),
      ).rejects.toThrow(/operators_role_check/);
    } finally {
      await upgraded.close();
    }
  });
});

class Rollback extends Error {}
