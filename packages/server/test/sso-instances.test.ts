/**
 * Single sign-on across two server instances on one PostgreSQL database, as behind a load balancer
 * without sticky sessions: both share one public (redirect) URL, and each step of a sign-in may land on
 * either instance. The state in progress lives in the database (sso_pending), sealed and keyed by
 * digests, and each handle works once on every instance.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWith } from '@cardwarden/integration-tests/system-parts';
import { sql } from 'drizzle-orm';
import type { SsoConfig } from '../src/config.js';
import { ssoPending } from '../src/db/schema.js';
import { ApiClient } from '@cardwarden/integration-tests/api-client';
import { freePort } from '@cardwarden/integration-tests/free-port';
import {
  ssoConfigFor,
  startTestProvider,
  TestBrowser,
  type TestProvider,
} from '@cardwarden/integration-tests/oidc-provider';
import {
  answersFor,
  createSecurityFixture,
  type SecurityFixture,
} from '@cardwarden/integration-tests/security-fixture';
import { startTestServer, type TestServer } from '@cardwarden/integration-tests/test-server';
import { createTestDatabase, type TestDatabase } from '@cardwarden/integration-tests/test-database';
import { api, pathTo } from '@cardwarden/contract';

const CHALLENGE = '0557 897F 8D84 407B';
const FLOW_COOKIE = 'cardwarden_sso_flow';

function ssoConfig(provider: TestProvider, publicUrl: string): SsoConfig {
  return ssoConfigFor(provider, publicUrl, {
    groupRoles: new Map([['cardwarden-helpdesk', 'operator']]),
    stepUpMaxAgeSeconds: 120,
  });
}

describeWith(['postgresql'], 'single sign-on over two server instances on one PostgreSQL database', () => {
  let provider: TestProvider;
  let database: TestDatabase;
  let a: TestServer;
  let b: TestServer;
  let baseA: string;
  let baseB: string;
  let f: SecurityFixture;

  beforeAll(async () => {
    const [portA, portB] = [await freePort(), await freePort()];
    baseA = `http://127.0.0.1:${String(portA)}`;
    baseB = `http://127.0.0.1:${String(portB)}`;
    // The provider knows one redirect URL, the public one (here: instance A's address).
    provider = await startTestProvider({
      redirectUris: [`${baseA}${pathTo(api.sso.callback)}`],
      postLogoutRedirectUris: [`${baseA}/`],
    });
    database = await createTestDatabase('postgres');
    const sso = ssoConfig(provider, baseA);
    a = await startTestServer('postgres', { database, config: { port: portA, sso } });
    b = await startTestServer('postgres', { database, kekFile: a.kekFile, config: { port: portB, sso } });
    f = await createSecurityFixture(a.api, { ssoStepUp: true });
    provider.accounts.set('alice', { preferred_username: 'alice.sso', groups: ['cardwarden-helpdesk'] });
    provider.accounts.set('holder', { preferred_username: f.username });
  }, 120_000);
  afterAll(async () => {
    await b.close();
    await a.close();
    await database.drop();
    await provider.close();
  });

  /** Signs in at the provider from a start on A, stopping before the callback (which the test sends). */
  async function startOnA(portal: string, login: string) {
    const browser = new TestBrowser();
    const stopped = await browser.signIn(`${baseA}${pathTo(api.sso.start)}?portal=${portal}`, login, (url) =>
      url.pathname.endsWith('/sso/callback'),
    );
    const binding = browser.cookie(baseA, FLOW_COOKIE) ?? '';
    expect(binding).not.toBe('');
    // The same callback, as the load balancer would route it to B (the browser's cookie goes along).
    const onB = new URL(stopped.url.pathname + stopped.url.search, baseB);
    return { browser, onB, cookie: `${FLOW_COOKIE}=${binding}` };
  }

  it('signs in when the callback and the exchange land on the other instance; a replay is refused on both', async () => {
    const { browser, onB, cookie } = await startOnA('staff', 'alice');
    const state = onB.searchParams.get('state') ?? '';
    // The database holds no handle and nothing readable: a digest, and a sealed payload.
    const rows = await a.server.ctx.db.select().from(ssoPending);
    expect(rows.length).toBeGreaterThan(0);
    const dump = JSON.stringify(rows);
    expect(dump).not.toContain(state);
    expect(dump).not.toMatch(/codeVerifier|nonce|bindingDigest/);

    const callback = await browser.request(onB, { headers: { cookie } });
    expect(callback.status).toBe(302);
    expect(callback.headers.get('location')).toBe('/?sso=done');
    const exchange = await browser.request(`${baseB}${pathTo(api.sso.exchange)}`, {
      method: 'POST',
      json: {},
    });
    expect(exchange.status).toBe(200);
    const body = (await exchange.json()) as { session: { token: string } };
    const me = await new ApiClient(baseA, body.session.token).get(pathTo(api.auth.me));
    expect(me.body).toMatchObject({ username: 'alice.sso', role: 'operator' });

    // The same callback again, on either instance: the flow is spent.
    expect((await browser.request(onB, { headers: { cookie } })).status).toBe(400);
    const onA = new URL(onB.pathname + onB.search, baseA);
    expect((await browser.request(onA, { headers: { cookie } })).status).toBe(400);
    // A second exchange on B is refused too.
    const again = await browser.request(`${baseB}${pathTo(api.sso.exchange)}`, { method: 'POST', json: {} });
    expect(again.status).toBe(401);
  });

  it('gives a result to exactly one of two exchanges racing on the two instances', async () => {
    const { browser, onB, cookie } = await startOnA('staff', 'alice');
    expect((await browser.request(onB, { headers: { cookie } })).status).toBe(302);
    const result = `cardwarden_sso_result=${browser.cookie(baseB, 'cardwarden_sso_result') ?? ''}`;
    const exchange = (base: string) =>
      fetch(`${base}${pathTo(api.sso.exchange)}`, {
        method: 'POST',
        headers: { cookie: result, 'content-type': 'application/json' },
        body: '{}',
      });
    const statuses = (await Promise.all([exchange(baseA), exchange(baseB)])).map((r) => r.status).sort();
    expect(statuses).toEqual([200, 401]);
  });

  it('refuses on B a callback started on A in another browser', async () => {
    const { onB } = await startOnA('staff', 'alice');
    const stranger = await new TestBrowser().request(onB);
    expect(stranger.status).toBe(400);
  });

  it('accepts on B, once, a step-up proof made on A', async () => {
    const { browser, onB, cookie } = await startOnA('step-up', 'holder');
    // This time the whole sign-in stays on A: callback and exchange.
    const onA = new URL(onB.pathname + onB.search, baseA);
    expect((await browser.request(onA, { headers: { cookie } })).status).toBe(302);
    const exchange = await browser.request(`${baseA}${pathTo(api.sso.exchange)}`, {
      method: 'POST',
      json: {},
    });
    const proof = ((await exchange.json()) as { stepUp: { proof: string } }).stepUp.proof;
    expect(proof).toEqual(expect.any(String));

    const first = await b.api.post<{ id: string; questions: { id: string }[] }>(
      pathTo(api.onlineUnlock.start),
      {
        cardSerial: f.serial,
        ssoStepUp: proof,
      },
    );
    expect(first.status).toBe(201);
    const second = await b.api.post(pathTo(api.onlineUnlock.start), {
      cardSerial: f.serial,
      ssoStepUp: proof,
    });
    expect(second.status).toBe(403);
    expect(second.body).toMatchObject({ error: { code: 'sso.step_up_required' } });
    const onFirst = await a.api.post(pathTo(api.onlineUnlock.start), {
      cardSerial: f.serial,
      ssoStepUp: proof,
    });
    expect(onFirst.body).toMatchObject({ error: { code: 'sso.step_up_required' } });
    // Finish the session the proof opened, so the card is free for the next test.
    const issued = await b.api.post(pathTo(api.onlineUnlock.response, { id: first.body.id }), {
      answers: answersFor(f, first.body.questions),
      challenge: CHALLENGE,
    });
    expect(issued.status).toBe(200);
  });

  it("completes on B the unlock tool's wait started on A", async () => {
    const device = await a.api.post<{ signInUrl: string; pollToken: string }>(pathTo(api.sso.requestDevice));
    expect(device.status).toBe(201);
    const poll = (server: TestServer) =>
      server.api.post<{ status: string; stepUp?: { proof: string } }>(pathTo(api.sso.pollDevice), {
        pollToken: device.body.pollToken,
      });
    expect((await poll(b)).body).toEqual({ status: 'pending' });
    const landed = await new TestBrowser().signIn(device.body.signInUrl, 'holder');
    expect(landed.url.search).toBe('?sso=device');
    const done = await poll(b);
    expect(done.body.status).toBe('done');
    expect(done.body.stepUp?.proof).toEqual(expect.any(String));
    // Given once: neither instance gives it again.
    expect((await poll(a)).status).toBe(401);
    expect((await poll(b)).status).toBe(401);
  });

  it('prunes expired state in housekeeping, keeping live state', async () => {
    const db = a.server.ctx.db;
    await db.insert(ssoPending).values([
      {
        kind: 'test',
        lookup: 'expired',
        payload: { sealed: 'x' },
        expiresAt: sql`now() - interval '1 second'`,
      },
      { kind: 'test', lookup: 'live', payload: { sealed: 'x' }, expiresAt: sql`now() + interval '1 hour'` },
    ]);
    await b.server.housekeeping();
    const left = (await db.select({ lookup: ssoPending.lookup }).from(ssoPending)).map((row) => row.lookup);
    expect(left).toContain('live');
    expect(left).not.toContain('expired');
  });
});
