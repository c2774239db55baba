import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWith } from '@cardwarden/integration-tests/system-parts';
import type { ApiClient } from '@cardwarden/integration-tests/api-client';
import { createFixture, type Fixture } from '@cardwarden/integration-tests/fixtures';
import { PrivatePostgres } from './support/private-postgres.js';
import { ADMIN, startTestServer, type TestServer } from '@cardwarden/integration-tests/test-server';
import { api, pathTo } from '@cardwarden/contract';

/** The contract: a database outage is answered within 15 s. */
const CONTRACT_MS = 15_000;

interface Answer {
  readonly route: string;
  readonly status: number;
  readonly code: string | undefined;
  readonly ms: number;
}

describeWith(['postgresql'], 'database outage (a PostgreSQL cluster of its own)', () => {
  let cluster: PrivatePostgres;
  let server: TestServer;
  let f: Fixture;

  beforeAll(async () => {
    cluster = await PrivatePostgres.create();
    server = await startTestServer('postgres', {
      database: cluster.asTestDatabase(),
      config: { database: { statementTimeoutMs: 3_000, connectTimeoutMs: 3_000 } },
    });
    f = await createFixture(server.api);
  }, 120_000);
  afterAll(async () => {
    cluster.signal('SIGCONT');
    await server.close();
    cluster.destroy();
  });

  async function timed(client: ApiClient, method: string, path: string, body?: unknown): Promise<Answer> {
    const started = Date.now();
    const response = await client.request<{ error?: { code?: string } }>(method, path, body);
    return {
      route: `${method} ${path}`,
      status: response.status,
      code: response.body.error?.code,
      ms: Date.now() - started,
    };
  }

  /** Every operation of the OpenAPI document, at once, as the admin (ids made up, bodies empty). */
  async function everyRoute(): Promise<Answer[]> {
    const document = server.server.app.swagger() as { paths: Record<string, Record<string, unknown>> };
    const calls: Promise<Answer>[] = [];
    for (const [path, operations] of Object.entries(document.paths)) {
      for (const method of Object.keys(operations)) {
        const concrete = path.replace(/\{[^}]+\}/g, randomUUID());
        const body = ['post', 'put', 'patch'].includes(method) ? {} : undefined;
        calls.push(timed(f.admin, method.toUpperCase(), concrete, body));
      }
    }
    return Promise.all(calls);
  }

  /** The answers the contract requires while the database is out. */
  async function expectUnavailable(): Promise<void> {
    const answers = await everyRoute();
    for (const answer of answers) {
      expect(answer.ms, answer.route).toBeLessThan(CONTRACT_MS);
      // Refused as input before the database is asked (4xx), or 503: never a 500, never a hang.
      expect(answer.status === 503 ? answer.code : 'not 503', answer.route).toBe(
        answer.status === 503 ? 'internal.unavailable' : 'not 503',
      );
      expect(answer.status < 500 || answer.status === 503, `${answer.route} ${String(answer.status)}`).toBe(
        true,
      );
    }
    expect(answers.filter((answer) => answer.status === 503).length).toBeGreaterThan(answers.length / 2);
    const specific = await Promise.all([
      timed(server.api, 'POST', pathTo(api.auth.login), {
        username: ADMIN.username,
        password: ADMIN.password,
      }),
      timed(f.operator, 'GET', pathTo(api.users.get, { id: f.userId })),
      timed(f.operator, 'POST', pathTo(api.offlineUnblocks.start, { id: f.cardId }), {}),
      timed(f.auditor, 'GET', pathTo(api.audit.exportCsv)),
      timed(server.api, 'GET', '/readyz'),
    ]);
    for (const answer of specific) {
      expect({ route: answer.route, status: answer.status, code: answer.code }).toEqual({
        route: answer.route,
        status: 503,
        code: 'internal.unavailable',
      });
      expect(answer.ms, answer.route).toBeLessThan(CONTRACT_MS);
    }
    expect((await server.api.get('/healthz')).status).toBe(200);
  }

  async function expectRecovered(): Promise<void> {
    const started = Date.now();
    while ((await server.api.get('/readyz')).status !== 200) {
      expect(Date.now() - started, 'ready again').toBeLessThan(30_000);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect((await f.operator.get(pathTo(api.users.get, { id: f.userId }))).status).toBe(200);
    const session = await f.operator.post(pathTo(api.offlineUnblocks.start, { id: f.cardId }), {});
    expect(session.status).toBe(201);
    await f.operator.delete(pathTo(api.offlineUnblocks.get, { id: String(session.body.id) }));
  }

  it('answers 503 internal.unavailable within 15 s on every route while the database is down, then recovers', async () => {
    expect((await server.api.get('/readyz')).status).toBe(200);
    cluster.stop();
    try {
      await expectUnavailable();
    } finally {
      cluster.start();
    }
    await expectRecovered();
  }, 120_000);

  it('does the same while the database is frozen (SIGSTOP), and recovers when it thaws', async () => {
    cluster.signal('SIGSTOP');
    try {
      await expectUnavailable();
    } finally {
      cluster.signal('SIGCONT');
    }
    await expectRecovered();
  }, 120_000);
});
