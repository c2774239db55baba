/**
 * `/metrics`: refused to anonymous callers and to staff below auditor, served to admins and auditors,
 * and without sign-in on the loopback port of CARDWARDEN_METRICS_PORT only; request ids on every answer.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { LOGIN_LIMITS } from '../src/services/auth.service.js';
import { unique, type Fixture, useServerWithFixture } from '@cardwarden/integration-tests/fixtures';
import { createSecurityFixture } from '@cardwarden/integration-tests/security-fixture';
import { forEachDatabase, type TestServer } from '@cardwarden/integration-tests/test-server';
import { API_PREFIX, api, pathTo } from '@cardwarden/contract';

/** The value of one sample line (`name{labels} value`) of a Prometheus text answer, 0 when absent. */
function sample(text: string, name: string, labels: Record<string, string>): number {
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`)) continue;
    const matches = Object.entries(labels).every(([key, value]) => line.includes(`${key}="${value}"`));
    if (matches) return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return 0;
}

/** The built web portals: with them the server answers client-side routes with the app. */
const WEB_ROOT = fileURLToPath(new URL('../../web/dist', import.meta.url));

forEachDatabase('metrics', (kind) => {
  let server: TestServer;
  let f: Fixture;
  useServerWithFixture(kind, (started) => ({ server, f } = started), {
    config: { metricsPort: 0, webRoot: existsSync(WEB_ROOT) ? WEB_ROOT : undefined },
  });

  it('refuses anonymous callers (401) and operators and supervisors (403)', async () => {
    // Not the web portals' index.html either (they serve client-side routes).
    expect(existsSync(WEB_ROOT)).toBe(true);
    const anonymous = await server.api.get('/metrics');
    expect(anonymous.status).toBe(401);
    expect(anonymous.body).toMatchObject({ error: { code: 'auth.unauthenticated' } });
    expect((await f.operator.get('/metrics')).status).toBe(403);
    expect((await f.supervisor.get('/metrics')).status).toBe(403);
  });

  it('serves admins and auditors the request histogram by route pattern, never by raw URL', async () => {
    expect((await f.admin.get(pathTo(api.cards.get, { id: f.cardId }))).status).toBe(200);
    for (const client of [f.admin, f.auditor]) {
      const answer = await client.get('/metrics');
      expect(answer.status).toBe(200);
      expect(answer.headers.get('content-type')).toContain('text/plain');
      const count = sample(answer.text, 'cardwarden_http_request_duration_seconds_count', {
        method: 'GET',
        route: api.cards.get.path,
        status: '200',
      });
      expect(count).toBeGreaterThanOrEqual(1);
      expect(answer.text).toContain('cardwarden_http_request_duration_seconds_bucket{');
      expect(answer.text).not.toContain(f.cardId);
      expect(answer.text).toContain('cardwarden_notification_outbox_depth ');
      expect(answer.text).toMatch(
        new RegExp(`cardwarden_db_pool_connections\\{database="${kind}",state="total"\\} [1-9]`),
      );
    }
  });

  it('counts a response issued by an offline unblock, on the offline channel', async () => {
    const before = sample((await f.admin.get('/metrics')).text, 'cardwarden_responses_issued_total', {
      channel: 'offline',
    });
    const session = await f.operator.post<{ id: string }>(
      pathTo(api.offlineUnblocks.start, { id: f.cardId }),
      {
        ticket: 'INC-1',
      },
    );
    expect(session.status).toBe(201);
    const issued = await f.operator.post(pathTo(api.offlineUnblocks.response, { id: session.body.id }), {
      challenge: '0557897F8D84407B',
    });
    expect(issued.status).toBe(200);
    const after = sample((await f.admin.get('/metrics')).text, 'cardwarden_responses_issued_total', {
      channel: 'offline',
    });
    expect(after).toBe(before + 1);
  });

  it('counts an online lockout once, when the last wrong answer begins it', async () => {
    const lockouts = async () =>
      sample((await f.admin.get('/metrics')).text, 'cardwarden_lockouts_total', { kind: 'online' });
    const before = await lockouts();
    const g = await createSecurityFixture(server.api);
    for (let i = 0; i < 5; i++) {
      const session = await server.api.post<{ id: string; questions: { id: string }[] }>(
        pathTo(api.onlineUnlock.start),
        { cardSerial: g.serial },
      );
      expect(session.status).toBe(201);
      const wrong = await server.api.post(pathTo(api.onlineUnlock.response, { id: session.body.id }), {
        answers: session.body.questions.map((q) => ({ questionId: q.id, answer: 'wrong guess' })),
        challenge: '0557897F8D84407B',
      });
      expect(wrong.status).toBe(401);
      expect(await lockouts()).toBe(i < 4 ? before : before + 1);
    }
    const refused = await server.api.post(pathTo(api.onlineUnlock.start), { cardSerial: g.serial });
    expect(refused.status).toBe(423);
    expect(await lockouts()).toBe(before + 1);
  });

  it('serves /metrics without sign-in on the loopback metrics port; the main port still refuses', async () => {
    const url = server.server.metricsUrl;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
    const answer = await fetch(url ?? '');
    expect(answer.status).toBe(200);
    expect(await answer.text()).toContain('cardwarden_http_request_duration_seconds');
    expect((await fetch((url ?? '').replace('/metrics', pathTo(api.users.list)))).status).toBe(404);
    expect((await server.api.get('/metrics')).status).toBe(401);
  });

  it('puts a request id on every answer, errors included, and keeps only a safe incoming one', async () => {
    const refused = await server.api.get(pathTo(api.users.list));
    expect(refused.status).toBe(401);
    const id = refused.headers.get('x-request-id') ?? '';
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    // The log lines of that request carry the same id.
    expect(server.logs.some((line) => line.includes(`"reqId":"${id}"`))).toBe(true);

    const missing = await server.api.request('GET', `${API_PREFIX}/no-such-thing`, undefined, {
      'x-request-id': 'trace-42.a',
    });
    expect(missing.status).toBe(404);
    expect(missing.headers.get('x-request-id')).toBe('trace-42.a');

    const forged = await server.api.request('GET', '/healthz', undefined, {
      'x-request-id': 'a"b} injected',
    });
    expect(forged.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  // Last: it throttles sign-in from the test's own address for a moment.
  it('counts 429 refusals by error code', async () => {
    const refusals = async () =>
      sample((await f.admin.get('/metrics')).text, 'cardwarden_rate_limit_refusals_total', {
        code: 'auth.rate_limited',
      });
    const before = await refusals();
    const username = unique('nobody');
    let limited = 0;
    for (let i = 0; i <= LOGIN_LIMITS.freeFailures + 1; i++) {
      const answer = await server.api.post(pathTo(api.auth.login), {
        username,
        password: `guess ${i} guess`,
      });
      if (answer.status === 429) limited++;
    }
    expect(limited).toBeGreaterThanOrEqual(1);
    expect(await refusals()).toBe(before + limited);
  });
});
