import { connect } from 'node:net';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeDatabaseFailure } from '../src/db/database-failure.js';
import { withStatementTimeout } from '../src/db/query-budget.js';
import { adminKeyResponses, rateLimits, signInThrottles } from '../src/db/schema.js';
import { createFixture } from '@cardwarden/integration-tests/fixtures';
import { forEachDatabase, startTestServer, type TestServer } from '@cardwarden/integration-tests/test-server';

forEachDatabase('bounded resources', (kind) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(kind);
  });
  afterAll(async () => {
    await server.close();
  });

  it('prunes rate-limit counters of windows long past, keeping current ones', async () => {
    const db = server.server.ctx.db;
    await db.insert(rateLimits).values([
      { key: 'test:stale', windowStart: sql`now() - interval '2 days'`, count: 7 },
      { key: 'test:current', windowStart: sql`now()`, count: 1 },
    ]);
    await server.server.housekeeping();
    const keys = (await db.select({ key: rateLimits.key }).from(rateLimits)).map((row) => row.key);
    expect(keys).toContain('test:current');
    expect(keys).not.toContain('test:stale');
  });

  it('prunes sign-in throttles long forgotten and response records older than the 24 h budget', async () => {
    const db = server.server.ctx.db;
    const { cardId } = await createFixture(server.api);
    await db.insert(signInThrottles).values([
      { key: 'test:forgotten', failures: 9, lastFailureAt: sql`now() - interval '2 days'` },
      { key: 'test:recent', failures: 9, lastFailureAt: sql`now() - interval '1 hour'` },
      {
        key: 'test:still-blocked',
        failures: 40,
        lastFailureAt: sql`now() - interval '2 days'`,
        blockedUntil: sql`now() + interval '1 hour'`,
      },
    ]);
    await db.insert(adminKeyResponses).values([
      { cardId, issuedAt: sql`now() - interval '26 hours'` },
      { cardId, issuedAt: sql`now() - interval '23 hours'` },
    ]);
    await server.server.housekeeping();
    const throttles = (await db.select({ key: signInThrottles.key }).from(signInThrottles)).map(
      (row) => row.key,
    );
    expect(throttles).toContain('test:recent');
    expect(throttles).toContain('test:still-blocked');
    expect(throttles).not.toContain('test:forgotten');
    const ages = await db
      .select({
        hours: sql<number>`round(extract(epoch from now() - ${adminKeyResponses.issuedAt}) / 3600)::int`,
      })
      .from(adminKeyResponses)
      .where(sql`${adminKeyResponses.cardId} = ${cardId}`);
    expect(ages.map((row) => row.hours)).toEqual([23]);
  });

  it('closes an idle keep-alive connection after a few seconds', async () => {
    const { port } = new URL(server.url);
    const socket = connect(Number(port), '127.0.0.1');
    const started = Date.now();
    let answer = '';
    socket.on('data', (chunk: Buffer) => (answer += chunk.toString()));
    socket.write('GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: keep-alive\r\n\r\n');
    await new Promise((resolve) => socket.once('close', resolve));
    expect(answer).toMatch(/^HTTP\/1\.1 200/);
    expect(answer.toLowerCase()).toContain('keep-alive: timeout=5');
    const idle = Date.now() - started;
    expect(idle).toBeGreaterThan(3_000);
    expect(idle).toBeLessThan(10_000);
  }, 20_000);

  it.runIf(kind === 'postgres')(
    'ends a statement that runs past its timeout, as a 503-worthy failure',
    async () => {
      const db = server.server.ctx.db;
      const started = Date.now();
      const error: unknown = await withStatementTimeout(1_000, () =>
        db.transaction(async (tx) => {
          await tx.execute(sql`set local statement_timeout = 1000`);
          await tx.execute(sql`select pg_sleep(5)`);
        }),
      ).catch((failure: unknown) => failure);
      expect(Date.now() - started).toBeLessThan(3_000);
      expect(describeDatabaseFailure(error)).toMatch(/took too long/);
      // The connection-wide default (5 s in the tests) applies to every other statement.
      const slow: unknown = await db.execute(sql`select pg_sleep(7)`).catch((failure: unknown) => failure);
      expect(describeDatabaseFailure(slow)).toMatch(/took too long/);
    },
  );
});
