/**
 * Single sign-on end to end over real HTTP: Cardwarden as the relying party (openid-client) against
 * oidc-provider in this process, driven by a fetch "browser" that submits the provider's forms.
 * Staff roles from groups, cardholder self-service, step-up (required, satisfied, stale), the unlock
 * tool's device wait, sign-out, and hostile callbacks (bad state, another browser, replayed or
 * transplanted codes).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, ConfigError, type SsoConfig } from '../src/config.js';
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
import {
  ADMIN,
  forEachDatabase,
  startTestServer,
  type TestServer,
} from '@cardwarden/integration-tests/test-server';
import { api, pathTo } from '@cardwarden/contract';

const CHALLENGE = '0557 897F 8D84 407B';
const STEP_UP_SECONDS = 4;

function ssoConfig(provider: TestProvider, base: string): SsoConfig {
  return ssoConfigFor(provider, base, {
    groupRoles: new Map([
      ['cardwarden-admins', 'admin'],
      ['cardwarden-helpdesk', 'operator'],
      ['cardwarden-audit', 'auditor'],
    ]),
    stepUpMaxAgeSeconds: STEP_UP_SECONDS,
  });
}

interface Exchange {
  portal: string;
  session?: { token: string };
  stepUp?: { proof: string; expiresAt: string };
}

forEachDatabase('single sign-on (OpenID Connect)', (kind) => {
  let provider: TestProvider;
  let server: TestServer;
  let base: string;
  let f: SecurityFixture;

  /** A whole sign-in in a new browser: start, the provider's forms, the callback, the exchange. */
  async function signIn(portal: string, login: string, browser = new TestBrowser()) {
    const landed = await browser.signIn(`${base}${pathTo(api.sso.start)}?portal=${portal}`, login);
    const exchange = await browser.request(`${base}${pathTo(api.sso.exchange)}`, {
      method: 'POST',
      json: {},
    });
    return {
      browser,
      landed,
      status: exchange.status,
      body: (await exchange.json()) as Exchange & { error?: { code: string; message: string } },
    };
  }

  beforeAll(async () => {
    const port = await freePort();
    base = `http://127.0.0.1:${String(port)}`;
    provider = await startTestProvider({
      redirectUris: [`${base}${pathTo(api.sso.callback)}`],
      postLogoutRedirectUris: [`${base}/`],
    });
    server = await startTestServer(kind, { config: { port, sso: ssoConfig(provider, base) } });
    f = await createSecurityFixture(server.api, { ssoStepUp: true });
    provider.accounts.set('alice', {
      preferred_username: 'alice.sso',
      email: 'alice@example.org',
      groups: ['Cardwarden-Helpdesk'],
    });
    provider.accounts.set('bob', {
      preferred_username: 'bob.sso',
      groups: ['cardwarden-admins', 'cardwarden-audit'],
    });
    provider.accounts.set('nobody', { preferred_username: 'nobody.sso', groups: ['marketing'] });
    provider.accounts.set('holder', { preferred_username: f.username, email: `${f.username}@example.org` });
    provider.accounts.set('stranger', { preferred_username: 'not-a-cardholder' });
    provider.accounts.set('admin-clash', {
      preferred_username: ADMIN.username,
      groups: ['cardwarden-admins'],
    });
  });
  afterAll(async () => {
    await server.close();
    await provider.close();
  });

  it('says SSO is on, publicly, and shows admins the settings without the secret', async () => {
    expect((await server.api.get(pathTo(api.sso.status))).body).toEqual({ enabled: true });
    const admin = await server.api.login(ADMIN.username, ADMIN.password);
    const settings = await admin.get(pathTo(api.sso.settings));
    expect(settings.status).toBe(200);
    expect(settings.body).toMatchObject({
      enabled: true,
      issuer: provider.issuer,
      clientSecretSet: true,
      groupsClaim: 'groups',
      groupRoles: expect.arrayContaining([{ group: 'cardwarden-admins', role: 'admin' }]) as unknown,
    });
    expect(settings.text).not.toContain(provider.clientSecret);
    expect((await f.operator.get(pathTo(api.sso.settings))).status).toBe(403);
    expect((await server.api.get(pathTo(api.sso.settings))).status).toBe(401);
    expect(server.logs.join('\n')).toContain('CARDWARDEN_OIDC_ALLOW_INSECURE_HTTP');
  });

  it('signs a staff member in with the role of their group, created at the first sign-in', async () => {
    const { status, body, landed, browser } = await signIn('staff', 'alice');
    expect(landed.url.pathname + landed.url.search).toBe('/?sso=done');
    expect(status).toBe(200);
    expect(body.portal).toBe('staff');
    const alice = new ApiClient(base, body.session?.token);
    expect((await alice.get(pathTo(api.auth.me))).body).toMatchObject({
      username: 'alice.sso',
      role: 'operator',
    });
    // No token, code or state ever sat in a URL of ours.
    for (const url of browser.visited.filter((u) => u.startsWith(base))) {
      expect(url).not.toContain(body.session?.token ?? 'no token');
    }
    // The strongest of several mapped groups.
    const bob = await signIn('staff', 'bob');
    const bobApi = new ApiClient(base, bob.body.session?.token);
    expect((await bobApi.get(pathTo(api.auth.me))).body).toMatchObject({ role: 'admin' });
    // The console shows where the account came from.
    const staff = await bobApi.get<{ items: { username: string; singleSignOn: boolean }[] }>(
      pathTo(api.operators.list),
    );
    expect(staff.body.items.find((o) => o.username === 'alice.sso')?.singleSignOn).toBe(true);
    expect(staff.body.items.find((o) => o.username === 'admin')?.singleSignOn).toBe(false);
  });

  it('follows group changes at each sign-in, and refuses when no group maps to a role', async () => {
    provider.accounts.set('carol', { preferred_username: 'carol.sso', groups: ['cardwarden-audit'] });
    const first = await signIn('staff', 'carol');
    expect(
      (await new ApiClient(base, first.body.session?.token).get(pathTo(api.auth.me))).body,
    ).toMatchObject({
      role: 'auditor',
    });
    provider.accounts.set('carol', { preferred_username: 'carol.sso', groups: ['cardwarden-helpdesk'] });
    const second = await signIn('staff', 'carol');
    expect(
      (await new ApiClient(base, second.body.session?.token).get(pathTo(api.auth.me))).body,
    ).toMatchObject({
      role: 'operator',
    });
    const refused = await signIn('staff', 'nobody');
    expect(refused.status).toBe(403);
    expect(refused.body.error?.code).toBe('sso.no_role');
    expect(refused.body.error?.message).toMatch(/no group/);
  });

  it('never takes over a local account with the same username', async () => {
    const clash = await signIn('staff', 'admin-clash');
    expect(clash.status).toBe(409);
    expect(clash.body.error?.code).toBe('sso.account_conflict');
  });

  it('signs a cardholder in to self-service by username, and never creates cardholders', async () => {
    const holder = await signIn('self-service', 'holder');
    expect(holder.landed.url.pathname).toBe('/self-service');
    expect(holder.status).toBe(200);
    const me = await new ApiClient(base, holder.body.session?.token).get(pathTo(api.selfService.me));
    expect(me.body).toMatchObject({ username: f.username });
    // A fresh sign-in is also a step-up proof.
    expect(holder.body.stepUp?.proof).toEqual(expect.any(String));
    const stranger = await signIn('self-service', 'stranger');
    expect(stranger.status).toBe(403);
    expect(stranger.body.error?.code).toBe('sso.no_account');
    const users = await f.admin.get<{ total: number }>(`${pathTo(api.users.list)}?q=not-a-cardholder`);
    expect(users.body.total).toBe(0);
  });

  it('requires a step-up for self-service offline unblock: refused without, accepted with, once', async () => {
    const url = pathTo(api.selfService.offlineUnblock, { id: f.cardId });
    const without = await f.cardholder.post(url, { challenge: CHALLENGE });
    expect(without.status).toBe(403);
    expect(without.body).toMatchObject({ error: { code: 'sso.step_up_required' } });
    const up = await signIn('step-up', 'holder');
    expect(up.landed.url.search).toBe('?sso=step-up');
    expect(up.status).toBe(200);
    const proof = up.body.stepUp?.proof;
    expect(proof).toEqual(expect.any(String));
    const done = await f.cardholder.post(url, { challenge: CHALLENGE, ssoStepUp: proof });
    expect(done.status).toBe(200);
    await f.cardholder.post(pathTo(api.selfService.outcome, { id: String(done.body.id) }), {
      result: 'unblocked',
    });
    const replay = await f.cardholder.post(url, { challenge: CHALLENGE, ssoStepUp: proof });
    expect(replay.body).toMatchObject({ error: { code: 'sso.step_up_required' } });
  });

  it("refuses another person's step-up and a stale one", async () => {
    const url = pathTo(api.selfService.offlineUnblock, { id: f.cardId });
    provider.accounts.set('other-holder', { preferred_username: f.operatorName });
    // Bob is staff, not a cardholder: a step-up must name the card's own holder.
    const bob = await signIn('step-up', 'bob');
    expect(bob.body.error?.code).toBe('sso.no_account');
    // A sign-in that reuses the provider's session: auth_time is old, so no proof after the limit.
    const browser = new TestBrowser();
    const fresh = await signIn('self-service', 'holder', browser);
    const proof = fresh.body.stepUp?.proof;
    await new Promise((resolve) => setTimeout(resolve, (STEP_UP_SECONDS + 1) * 1000));
    const stale = await f.cardholder.post(url, { challenge: CHALLENGE, ssoStepUp: proof });
    expect(stale.body).toMatchObject({ error: { code: 'sso.step_up_required' } });
    const reused = await signIn('self-service', 'holder', browser);
    expect(reused.landed.forms).toBe(0);
    expect(reused.status).toBe(200);
    expect(reused.body.stepUp).toBeUndefined();
  }, 20_000);

  it('gives the unlock tool a step-up through a browser sign-in, for online unlock', async () => {
    const without = await server.api.post(pathTo(api.onlineUnlock.start), { cardSerial: f.serial });
    expect(without.status).toBe(403);
    expect(without.body).toMatchObject({ error: { code: 'sso.step_up_required' } });
    const device = await server.api.post<{ signInUrl: string; pollToken: string }>(
      pathTo(api.sso.requestDevice),
    );
    expect(device.status).toBe(201);
    const pending = await server.api.post(pathTo(api.sso.pollDevice), {
      pollToken: device.body.pollToken,
    });
    expect(pending.body).toEqual({ status: 'pending' });
    const landed = await new TestBrowser().signIn(device.body.signInUrl, 'holder');
    expect(landed.url.search).toBe('?sso=device');
    const done = await server.api.post<{ status: string; stepUp: { proof: string } }>(
      pathTo(api.sso.pollDevice),
      { pollToken: device.body.pollToken },
    );
    expect(done.body.status).toBe('done');
    const session = await server.api.post<{ id: string; questions: { id: string }[] }>(
      pathTo(api.onlineUnlock.start),
      { cardSerial: f.serial, ssoStepUp: done.body.stepUp.proof },
    );
    expect(session.status).toBe(201);
    const issued = await server.api.post(pathTo(api.onlineUnlock.response, { id: session.body.id }), {
      answers: answersFor(f, session.body.questions),
      challenge: CHALLENGE,
    });
    expect(issued.status).toBe(200);
    // The link works once; the poll token gives its proof once.
    expect((await new TestBrowser().request(device.body.signInUrl)).status).toBe(400);
    const again = await server.api.post(pathTo(api.sso.pollDevice), { pollToken: device.body.pollToken });
    expect(again.status).toBe(401);
  });

  it('signs out here and offers the provider sign-out', async () => {
    const alice = await signIn('staff', 'alice');
    const client = new ApiClient(base, alice.body.session?.token);
    const out = await client.post<{ endSessionUrl: string }>(pathTo(api.sso.logout));
    expect(out.status).toBe(200);
    const end = new URL(out.body.endSessionUrl);
    expect(end.origin).toBe(provider.issuer);
    expect(end.searchParams.get('id_token_hint')).toEqual(expect.any(String));
    expect(end.searchParams.get('post_logout_redirect_uri')).toBe(`${base}/`);
    expect((await client.get(pathTo(api.auth.me))).status).toBe(401);
    // The provider accepts it: its confirmation page, then back to Cardwarden.
    const back = await alice.browser.signIn(end.href, 'alice', (url) => url.origin === base);
    expect(back.url.href).toBe(`${base}/`);
  });

  describe('hostile callbacks', () => {
    it('refuses an unknown state, and a callback without any', async () => {
      const bad = await new TestBrowser().request(`${base}${pathTo(api.sso.callback)}?code=abc&state=forged`);
      expect(bad.status).toBe(400);
      expect(((await bad.json()) as { error: { code: string } }).error.code).toBe('sso.invalid_state');
      const none = await new TestBrowser().request(`${base}${pathTo(api.sso.callback)}?code=abc`);
      expect(none.status).toBe(400);
    });

    it("refuses an attacker's callback URL opened in the victim's browser (login CSRF, code injection)", async () => {
      const attacker = new TestBrowser();
      const stopped = await attacker.signIn(`${base}${pathTo(api.sso.start)}?portal=staff`, 'bob', (url) =>
        url.pathname.endsWith('/sso/callback'),
      );
      const victim = new TestBrowser();
      const injected = await victim.request(stopped.url);
      expect(injected.status).toBe(400);
      expect(((await injected.json()) as { error: { message: string } }).error.message).toMatch(
        /another browser/,
      );
      // The flow is spent: the attacker cannot finish it either.
      expect((await attacker.request(stopped.url)).status).toBe(400);
    });

    it('refuses a replayed callback, a second exchange, and an exchange without the cookie', async () => {
      const browser = new TestBrowser();
      const stopped = await browser.signIn(`${base}${pathTo(api.sso.start)}?portal=staff`, 'alice', (url) =>
        url.pathname.endsWith('/sso/callback'),
      );
      expect((await browser.request(stopped.url)).status).toBe(302);
      expect((await browser.request(stopped.url)).status).toBe(400);
      const first = await browser.request(`${base}${pathTo(api.sso.exchange)}`, { method: 'POST', json: {} });
      expect(first.status).toBe(200);
      const second = await browser.request(`${base}${pathTo(api.sso.exchange)}`, {
        method: 'POST',
        json: {},
      });
      expect(second.status).toBe(401);
      const anonymous = await server.api.post(pathTo(api.sso.exchange), {});
      expect(anonymous.body).toMatchObject({ error: { code: 'sso.exchange_invalid' } });
    });

    it("refuses a code moved into another sign-in (PKCE: that flow's verifier does not match)", async () => {
      const browser = new TestBrowser();
      const stolen = await browser.signIn(`${base}${pathTo(api.sso.start)}?portal=staff`, 'bob', (url) =>
        url.pathname.endsWith('/sso/callback'),
      );
      const code = stolen.url.searchParams.get('code') ?? '';
      const mine = await browser.signIn(`${base}${pathTo(api.sso.start)}?portal=staff`, 'alice', (url) =>
        url.pathname.endsWith('/sso/callback'),
      );
      const forged = new URL(mine.url);
      forged.searchParams.set('code', code);
      const landed = await browser.request(forged);
      expect(landed.status).toBe(302);
      const exchange = await browser.request(`${base}${pathTo(api.sso.exchange)}`, {
        method: 'POST',
        json: {},
      });
      expect(exchange.status).toBe(401);
      expect(((await exchange.json()) as { error: { code: string } }).error.code).toBe('sso.failed');
    });

    it('refuses a provider error and unknown portals (no open redirect)', async () => {
      expect((await server.api.get(`${pathTo(api.sso.start)}?portal=https://evil.example`)).status).toBe(400);
      const browser = new TestBrowser();
      const started = await browser.request(`${base}${pathTo(api.sso.start)}?portal=staff`);
      const state = new URL(started.headers.get('location') ?? '').searchParams.get('state') ?? '';
      const denied = await browser.request(
        `${base}${pathTo(api.sso.callback)}?error=access_denied&error_description=%3Cscript%3E&state=${state}`,
      );
      expect(denied.headers.get('location')).toBe('/?sso=done');
      const exchange = await browser.request(`${base}${pathTo(api.sso.exchange)}`, {
        method: 'POST',
        json: {},
      });
      const body = (await exchange.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe('sso.failed');
      expect(body.error.message).toContain('access_denied');
      expect(body.error.message).not.toContain('script');
    });

    // Last: it spends this address's budget of sign-ins.
    it('limits the sign-ins one address starts (each holds a row until it expires)', async () => {
      let status = 0;
      for (let i = 0; i < 70 && status !== 429; i++) {
        status = (await new TestBrowser().request(`${base}${pathTo(api.sso.start)}?portal=staff`)).status;
      }
      expect(status).toBe(429);
      expect((await server.api.post(pathTo(api.sso.requestDevice))).status).toBe(429);
    });
  });
});

describe('SSO configuration', () => {
  const env = {
    CARDWARDEN_OIDC_ISSUER: 'https://login.example.org/realms/staff',
    CARDWARDEN_OIDC_CLIENT_ID: 'cardwarden',
    CARDWARDEN_PUBLIC_URL: 'https://cardwarden.example.org',
  };
  it('derives the redirect URL and reads group roles like the directory does', () => {
    const config = loadConfig({
      ...env,
      CARDWARDEN_OIDC_GROUP_ROLES: 'Staff-Admins=admin;helpdesk=operator',
    });
    expect(config.sso).toMatchObject({
      redirectUrl: `https://cardwarden.example.org${pathTo(api.sso.callback)}`,
      groupsClaim: 'groups',
      clientSecret: undefined,
    });
    expect(config.sso?.groupRoles.get('staff-admins')).toBe('admin');
  });
  it('refuses a plain-HTTP issuer unless the test-only switch is on', () => {
    const plain = { ...env, CARDWARDEN_OIDC_ISSUER: 'http://127.0.0.1:9999' };
    expect(() => loadConfig(plain)).toThrow(ConfigError);
    expect(loadConfig({ ...plain, CARDWARDEN_OIDC_ALLOW_INSECURE_HTTP: 'true' }).sso?.allowInsecureHttp).toBe(
      true,
    );
    expect(() => loadConfig({ ...env, CARDWARDEN_OIDC_GROUP_ROLES: 'x=root' })).toThrow(
      /CARDWARDEN_OIDC_GROUP_ROLES/,
    );
    expect(() => loadConfig({ ...env, CARDWARDEN_PUBLIC_URL: '' })).toThrow(/CARDWARDEN_PUBLIC_URL/);
  });
  it('is off without an issuer', () => {
    expect(loadConfig({}).sso).toBeUndefined();
  });
});
