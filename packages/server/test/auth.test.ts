import { expect, it } from 'vitest';
import { LOGIN_LIMITS } from '../src/services/auth.service.js';
import { unique, type Fixture, useServerWithFixture } from '@cardwarden/integration-tests/fixtures';
import { ADMIN, forEachDatabase, type TestServer } from '@cardwarden/integration-tests/test-server';
import { api, pathTo } from '@cardwarden/contract';

forEachDatabase('sign-in and tokens', (kind) => {
  let server: TestServer;
  let f: Fixture;
  useServerWithFixture(kind, (started) => ({ server, f } = started));

  it('gives the same answer for an unknown user and a wrong password', async () => {
    const unknown = await server.api.post(pathTo(api.auth.login), {
      username: unique('nobody'),
      password: 'whatever it is',
    });
    const wrong = await server.api.post(pathTo(api.auth.login), {
      username: ADMIN.username,
      password: 'not the password',
    });
    expect(unknown.status).toBe(401);
    expect(unknown.body).toEqual(wrong.body);
    expect(wrong.body).toEqual({
      error: { code: 'auth.invalid_credentials', message: 'the username or password is wrong' },
    });
  });

  it('signs in case-insensitively by username and tells who is signed in', async () => {
    const admin = await server.api.login(ADMIN.username.toUpperCase(), ADMIN.password);
    expect((await admin.get(pathTo(api.auth.me))).body).toMatchObject({
      username: ADMIN.username,
      role: 'admin',
    });
  });

  it('never writes what was typed as an unknown username into the audit', async () => {
    const typed = 'MyS3cret password!';
    expect((await server.api.post(pathTo(api.auth.login), { username: typed, password: 'x' })).status).toBe(
      401,
    );
    expect(
      (await server.api.post(pathTo(api.selfService.login), { username: typed, password: 'x' })).status,
    ).toBe(401);
    const audit = await f.admin.get<{ items: { actor: string }[] }>(
      `${pathTo(api.audit.list)}?action=auth.login_failed&limit=5`,
    );
    expect(audit.text).not.toContain(typed);
    expect(audit.text.toLowerCase()).not.toContain(typed.toLowerCase());
    const [first, second] = audit.body.items;
    expect(first?.actor).toMatch(/^unknown:[0-9a-f]{16}$/);
    // The same typed text gives the same digest, so an investigator can still match attempts.
    expect(second?.actor).toBe(first?.actor);
    const wrong = await server.api.post(pathTo(api.auth.login), {
      username: f.operatorName,
      password: 'wrong!',
    });
    expect(wrong.status).toBe(401);
    const named = await f.admin.get<{ items: { actor: string }[] }>(
      `${pathTo(api.audit.list)}?action=auth.login_failed&limit=1`,
    );
    expect(named.body.items[0]?.actor).toBe(f.operatorName);
  });

  it('ends sessions on sign-out and when an operator is disabled', async () => {
    const username = unique('leaver');
    const password = `${username} password!`;
    const created = await f.admin.post<{ id: string }>(pathTo(api.operators.create), {
      username,
      password,
      role: 'operator',
    });
    const first = await server.api.login(username, password);
    const second = await server.api.login(username, password);
    expect((await first.post(pathTo(api.auth.logout))).status).toBe(204);
    expect((await first.get(pathTo(api.users.list))).status).toBe(401);
    expect((await second.get(pathTo(api.users.list))).status).toBe(200);
    await f.admin.patch(pathTo(api.operators.update, { id: created.body.id }), { state: 'disabled' });
    expect((await second.get(pathTo(api.users.list))).status).toBe(401);
    expect((await server.api.post(pathTo(api.auth.login), { username, password })).status).toBe(401);
  });

  it('never leaves the system without an active admin', async () => {
    const operators = await f.admin.get<{ items: { id: string; username: string }[] }>(
      pathTo(api.operators.list),
    );
    const admin = operators.body.items.find((o) => o.username === ADMIN.username);
    const demote = await f.admin.patch(pathTo(api.operators.update, { id: admin?.id ?? '' }), {
      role: 'operator',
    });
    expect(demote.status).toBe(409);
    expect(demote.body).toMatchObject({ error: { code: 'operator.last_admin' } });
  });

  it('refuses weak passwords and duplicate usernames with their own codes', async () => {
    const short = await f.admin.post(pathTo(api.operators.create), {
      username: unique('x'),
      password: 'short',
      role: 'operator',
    });
    expect(short.status).toBe(400);
    expect(short.body).toMatchObject({
      error: { code: 'request.invalid', message: expect.stringContaining('12 characters') },
    });
    const taken = await f.admin.post(pathTo(api.operators.create), {
      username: ADMIN.username.toUpperCase(),
      password: 'long enough password',
      role: 'operator',
    });
    expect(taken.status).toBe(409);
    expect(taken.body).toMatchObject({ error: { code: 'operator.username_taken' } });
  });

  it('does not let a cardholder token act as an operator, nor an operator token in self-service', async () => {
    const password = 'cardholder password 1';
    await f.admin.put(pathTo(api.users.setPassword, { id: f.userId }), { password });
    const cardholder = await server.api.login(f.username, password, pathTo(api.selfService.login));
    expect((await cardholder.get(pathTo(api.users.list))).status).toBe(403);
    expect((await f.operator.get(pathTo(api.selfService.cards))).status).toBe(403);
    // Operators cannot sign in to self-service with their password, nor cardholders to the help desk.
    expect((await server.api.post(pathTo(api.auth.login), { username: f.username, password })).status).toBe(
      401,
    );
  });
});

forEachDatabase('sign-in throttle per account and address', (kind) => {
  let server: TestServer;
  let f: Fixture;
  useServerWithFixture(kind, (started) => ({ server, f } = started), { config: { trustProxy: 1 } });

  it('slows one address down with a growing delay, and never locks the account for another', async () => {
    const username = unique('target');
    const password = `${username} right password`;
    expect(
      (await f.admin.post(pathTo(api.operators.create), { username, password, role: 'operator' })).status,
    ).toBe(201);
    const from = (address: string, body: { username: string; password: string }) =>
      server.api.request('POST', pathTo(api.auth.login), body, { 'x-forwarded-for': address });
    const attacker = '203.0.113.9';
    for (let i = 0; i < LOGIN_LIMITS.freeFailures; i++) {
      expect((await from(attacker, { username, password: `guess ${i} guess` })).status).toBe(401);
    }
    // Past the free failures, each one makes the next try wait twice as long.
    expect((await from(attacker, { username, password: 'guess again' })).status).toBe(401);
    const limited = await from(attacker, { username, password });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('1');
    expect(limited.body).toMatchObject({ error: { code: 'auth.rate_limited' }, retryAfter: 1 });
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect((await from(attacker, { username, password: 'and again' })).status).toBe(401);
    const longer = await from(attacker, { username, password });
    expect(longer.status).toBe(429);
    expect(longer.headers.get('retry-after')).toBe('2');
    // The owner, from their own address, signs in all the while.
    expect((await from('198.51.100.20', { username, password })).status).toBe(200);
    // Another address in the attacker's IPv6 /64 is the same client.
    for (let i = 0; i < LOGIN_LIMITS.freeFailures + 1; i++) {
      await from('2001:db8:5:5::1', { username, password: `v6 guess ${i}` });
    }
    expect((await from('2001:db8:5:5:ffff::2', { username, password })).status).toBe(429);
  });
});
