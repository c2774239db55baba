import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cardRegistration, createFixture, type Fixture } from '@cardwarden/integration-tests/fixtures';
import { startTestServer, type TestServer } from '@cardwarden/integration-tests/test-server';
import { API_PREFIX, api, pathTo } from '@cardwarden/contract';

/** Bad input must always be a 4xx with the error envelope, never a 500. */
describe('hostile and malformed input', () => {
  let server: TestServer;
  let f: Fixture;
  beforeAll(async () => {
    server = await startTestServer('pglite');
    f = await createFixture(server.api);
  });
  afterAll(async () => {
    await server.close();
  });

  const cardBody = (serial: string, adminKey: unknown, extra?: Record<string, unknown>) =>
    cardRegistration(f, serial, adminKey, extra);

  function expect4xx(response: { status: number; body: unknown }, what: string): void {
    expect(response.status, what).toBeGreaterThanOrEqual(400);
    expect(response.status, what).toBeLessThan(500);
    expect(response.body, what).toMatchObject({
      error: { code: expect.any(String), message: expect.any(String) },
    });
  }

  it('answers malformed bodies with 4xx', async () => {
    const admin = f.admin;
    const cases: [string, string, unknown][] = [
      ['POST', pathTo(api.users.create), '{"username":'],
      ['POST', pathTo(api.users.create), '[]'],
      ['POST', pathTo(api.users.create), 'null'],
      [
        'POST',
        pathTo(api.users.create),
        { username: 'a'.repeat(10_000), displayName: 'x', email: 'x@example.org' },
      ],
      [
        'POST',
        pathTo(api.users.create),
        { username: "x'; drop table users; --", displayName: 'x', email: 'x@example.org' },
      ],
      ['POST', pathTo(api.users.create), { username: 'ok', displayName: 'x', email: 'not an email' }],
      ['POST', pathTo(api.profiles.create), { name: 'p', maxPinAttempts: -1 }],
      ['POST', pathTo(api.profiles.create), { name: 'p', adminKeyAttemptLimit: 1e9 }],
      ['POST', pathTo(api.profiles.create), { name: 'p', pinRules: { minLength: 10, maxLength: 6 } }],
      ['POST', pathTo(api.profiles.create), { name: 'p', useCases: { operatorOfflineUnblock: 'yes' } }],
      ['PATCH', pathTo(api.users.update, { id: '00000000-0000-4000-8000-000000000000' }), { state: 'gone' }],
      ['PATCH', pathTo(api.users.update, { id: f.userId }), { state: 'gone' }],
      ['POST', pathTo(api.cards.create), cardBody('S1', { algorithm: '3des', key: 'zz' })],
      ['POST', pathTo(api.cards.create), cardBody('S2', { algorithm: 'aes128', key: '00'.repeat(24) })],
      ['POST', pathTo(api.cards.create), cardBody('S3', { algorithm: 'rc4', key: '00' })],
      [
        'POST',
        pathTo(api.cards.create),
        cardBody('S4', { algorithm: '3des', generate: true }, { username: 'nobody-here' }),
      ],
      [
        'POST',
        pathTo(api.cards.create),
        {
          serial: 'S5',
          username: f.username,
          profile: 'no such profile',
          type: 'gids',
          adminKey: { algorithm: '3des', generate: true },
        },
      ],
      [
        'POST',
        pathTo(api.cards.create),
        {
          serial: f.serial.toLowerCase(),
          username: f.username,
          profile: f.profileName,
          type: 'gids',
          adminKey: { algorithm: '3des', generate: true },
        },
      ],
      ['GET', `${pathTo(api.users.list)}?limit=100000`, undefined],
      ['GET', `${pathTo(api.users.list)}?offset=-1`, undefined],
      ['GET', `${pathTo(api.audit.list)}?from=yesterday`, undefined],
      ['GET', pathTo(api.users.get, { id: '9'.repeat(300) }), undefined],
      ['GET', `${pathTo(api.users.list)}/%00` /* raw: a NUL once decoded */, undefined],
      ['DELETE', pathTo(api.cards.list), undefined],
    ];
    for (const [method, path, body] of cases) {
      expect4xx(
        await admin.request(method, path, body),
        `${method} ${path} ${JSON.stringify(body ?? null).slice(0, 80)}`,
      );
    }
  });

  it('gives each refusal its own code', async () => {
    const card = (serial: string, adminKey: unknown, extra: Record<string, unknown> = {}) =>
      f.admin.post(pathTo(api.cards.create), cardBody(serial, adminKey, extra));
    expect((await card('K1', { algorithm: '3des', key: '00' })).body).toMatchObject({
      error: { code: 'card.invalid_admin_key' },
    });
    expect((await card(f.serial.toLowerCase(), { algorithm: '3des', generate: true })).body).toMatchObject({
      error: { code: 'card.serial_taken' },
    });
    expect(
      (await card('K2', { algorithm: '3des', generate: true }, { username: 'nobody' })).body,
    ).toMatchObject({
      error: { code: 'user.not_found' },
    });
    const weak = await f.admin.post(pathTo(api.profiles.create), {
      name: 'weak',
      pinRules: { minLength: 10, maxLength: 6 },
    });
    expect(weak.body).toMatchObject({ error: { code: 'profile.invalid_pin_rules' } });
  });

  it('never echoes an admin key in an error', async () => {
    const key = 'ABCDEF0123456789ABCDEF0123456789ABCDEF01234567';
    const response = await f.admin.post(pathTo(api.cards.create), {
      serial: 'ECHO1',
      username: f.username,
      profile: f.profileName,
      type: 'gids',
      adminKey: { algorithm: '3des', key },
    });
    expect(response.status).toBe(422);
    expect(response.text).not.toContain(key);
  });

  it('answers unknown routes and methods with a JSON 404', async () => {
    const response = await server.api.get(`${API_PREFIX}/nothing-here`);
    expect(response.status).toBe(404);
    expect(response.body).toEqual({
      error: { code: 'request.not_found', message: `no such endpoint: GET ${API_PREFIX}/nothing-here` },
    });
  });

  it('refuses a body that is not JSON, or too large', async () => {
    const wrongType = await f.admin.request('POST', pathTo(api.users.create), 'username=x', {
      'content-type': 'text/plain',
    });
    expect4xx(wrongType, 'text/plain body');
    const huge = await f.admin.request('POST', pathTo(api.users.create), {
      username: 'x',
      displayName: 'x'.repeat(200_000),
      email: 'x@example.org',
    });
    expect(huge.status).toBe(413);
  });

  it('finds users and cards by any part, with LIKE wildcards taken literally', async () => {
    const byEmail = await f.operator.get<{ items: { id: string }[] }>(
      `${pathTo(api.users.list)}?q=${encodeURIComponent(f.username.slice(5).toUpperCase())}`,
    );
    expect(byEmail.body.items.map((u) => u.id)).toContain(f.userId);
    const bySerial = await f.operator.get<{ items: { id: string }[] }>(
      `${pathTo(api.users.list)}?q=${f.serial.slice(-6).toLowerCase()}`,
    );
    expect(bySerial.body.items.map((u) => u.id)).toEqual([f.userId]);
    const byName = await f.operator.get<{ items: { id: string; cardCount: number }[] }>(
      `${pathTo(api.users.list)}?q=${f.username}`,
    );
    expect(byName.body.items.find((u) => u.id === f.userId)?.cardCount).toBe(1);
    const profiles = await f.operator.get<{ items: { id: string; cardCount: number }[] }>(
      pathTo(api.profiles.list),
    );
    expect(profiles.body.items.find((p) => p.id === f.profileId)?.cardCount).toBe(1);
    const noCard = await f.admin.post<{ id: string }>(pathTo(api.users.create), {
      username: `${f.username}-nocard`,
      displayName: 'No Card',
      email: 'nocard@example.org',
    });
    const bySerialOnly = await f.operator.get<{ items: { id: string }[] }>(
      `${pathTo(api.users.list)}?q=${f.serial.slice(-6)}`,
    );
    expect(bySerialOnly.body.items.map((u) => u.id)).not.toContain(noCard.body.id);
    const wildcard = await f.operator.get<{ items: unknown[]; total: number }>(
      `${pathTo(api.users.list)}?q=%25`,
    );
    expect(wildcard.body.total).toBe(0);
    const cards = await f.operator.get<{ items: { id: string }[] }>(
      `${pathTo(api.cards.list)}?serial=${f.serial.toLowerCase()}`,
    );
    expect(cards.body.items.map((c) => c.id)).toEqual([f.cardId]);
  });

  it('publishes an OpenAPI 3 document that lists the contract', async () => {
    const doc = await server.api.get<{ openapi: string; paths: Record<string, unknown> }>(
      '/api/openapi.json',
    );
    expect(doc.body.openapi).toMatch(/^3\./);
    for (const route of [
      api.auth.login,
      api.users.list,
      api.users.get,
      api.profiles.get,
      api.cards.list,
      api.offlineUnblocks.start,
      api.offlineUnblocks.approve,
      api.offlineUnblocks.response,
      api.offlineUnblocks.outcome,
      api.audit.list,
      api.selfService.login,
    ]) {
      // OpenAPI writes a path parameter as {id} where the route table writes :id.
      expect(Object.keys(doc.body.paths)).toContain(route.path.replace(/:([A-Za-z]+)/g, '{$1}'));
    }
  });
});
