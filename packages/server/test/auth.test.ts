import { afterAll, beforeAll, expect, it } from 'vitest';
import { LOGIN_LIMITS } from '../src/services/auth.service.js';
import { createFixture, unique, type Fixture } from './support/fixtures.js';
import { ADMIN, forEachDatabase, startTestServer, type TestServer } from './support/test-server.js';

forEachDatabase('sign-in and tokens', (kind) => {
  let server: TestServer;
  let f: Fixture;
  beforeAll(async () => {
    server = await startTestServer(kind);
    f = await createFixture(server.api);
  });
  afterAll(async () => {
    await server.close();
  });

  it('gives the same answer for an unknown user and a wrong password', async () => {
    const unknown = await server.api.post('/api/v1/auth/login', {
      username: unique('nobody'),
      password: 'whatever it is',
    });
    const wrong = await server.api.post('/api/v1/auth/login', {
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
    expect((await admin.get('/api/v1/auth/me')).body).toMatchObject({
      username: ADMIN.username,
      role: 'admin',
    });
  });

  it('limits guessing per account, whatever the password', async () => {
    const username = unique('target');
    await f.admin.post('/api/v1/operators', {
      username,
      password: `${username} right password`,
      role: 'operator',
    });
    const statuses: number[] = [];
    for (let i = 0; i < LOGIN_LIMITS.perAccount + 1; i++) {
      statuses.push(
        (await server.api.post('/api/v1/auth/login', { username, password: `guess ${i} guess` })).status,
      );
    }
    expect(statuses.slice(0, LOGIN_LIMITS.perAccount).every((s) => s === 401)).toBe(true);
    const limited = await server.api.post('/api/v1/auth/login', {
      username,
      password: `${username} right password`,
    });
    expect(limited.status).toBe(429);
    expect(limited.body).toMatchObject({ error: { code: 'auth.rate_limited' } });
    // Another account is not locked out by it.
    expect((await server.api.post('/api/v1/auth/login', ADMIN)).status).toBe(200);
  });

  it('ends sessions on sign-out and when an operator is disabled', async () => {
    const username = unique('leaver');
    const password = `${username} password!`;
    const created = await f.admin.post<{ id: string }>('/api/v1/operators', {
      username,
      password,
      role: 'operator',
    });
    const first = await server.api.login(username, password);
    const second = await server.api.login(username, password);
    expect((await first.post('/api/v1/auth/logout')).status).toBe(204);
    expect((await first.get('/api/v1/users')).status).toBe(401);
    expect((await second.get('/api/v1/users')).status).toBe(200);
    await f.admin.patch(`/api/v1/operators/${created.body.id}`, { state: 'disabled' });
    expect((await second.get('/api/v1/users')).status).toBe(401);
    expect((await server.api.post('/api/v1/auth/login', { username, password })).status).toBe(401);
  });

  it('never leaves the system without an active admin', async () => {
    const operators = await f.admin.get<{ items: { id: string; username: string }[] }>('/api/v1/operators');
    const admin = operators.body.items.find((o) => o.username === ADMIN.username);
    const demote = await f.admin.patch(`/api/v1/operators/${admin?.id ?? ''}`, { role: 'operator' });
    expect(demote.status).toBe(409);
    expect(demote.body).toMatchObject({ error: { code: 'operator.last_admin' } });
  });

  it('refuses weak passwords and duplicate usernames with their own codes', async () => {
    const short = await f.admin.post('/api/v1/operators', {
      username: unique('x'),
      password: 'short',
      role: 'operator',
    });
    expect(short.status).toBe(400);
    expect(short.body).toMatchObject({
      error: { code: 'request.invalid', message: expect.stringContaining('12 characters') },
    });
    const taken = await f.admin.post('/api/v1/operators', {
      username: ADMIN.username.toUpperCase(),
      password: 'long enough password',
      role: 'operator',
    });
    expect(taken.status).toBe(409);
    expect(taken.body).toMatchObject({ error: { code: 'operator.username_taken' } });
  });

  it('does not let a cardholder token act as an operator, nor an operator token in self-service', async () => {
    const password = 'cardholder password 1';
    await f.admin.put(`/api/v1/users/${f.userId}/password`, { password });
    const cardholder = await server.api.login(f.username, password, '/api/v1/self-service/login');
    expect((await cardholder.get('/api/v1/users')).status).toBe(403);
    expect((await f.operator.get('/api/v1/self-service/cards')).status).toBe(403);
    // Operators cannot sign in to self-service with their password, nor cardholders to the help desk.
    expect((await server.api.post('/api/v1/auth/login', { username: f.username, password })).status).toBe(
      401,
    );
  });
});
