/** Checks every route shares: NUL characters refused as input, empty PATCH bodies, auth before validation. */
import { expect, it } from 'vitest';
import { type Fixture, useServerWithFixture } from '@cardwarden/integration-tests/fixtures';
import { forEachDatabase, type TestServer } from '@cardwarden/integration-tests/test-server';
import { api, pathTo } from '@cardwarden/contract';

forEachDatabase('request validation shared by every route', (kind) => {
  let server: TestServer;
  let f: Fixture;
  useServerWithFixture(kind, (started) => ({ server, f } = started));

  it('refuses NUL characters anywhere with 400 naming the field, also before sign-in', async () => {
    const cases = [
      {
        client: server.api,
        path: pathTo(api.auth.login),
        body: { username: 'ad\u0000min', password: 'x' },
        field: 'body.username',
      },
      {
        client: server.api,
        path: pathTo(api.selfService.login),
        body: { username: 'a', password: 'p\u0000' },
        field: 'body.password',
      },
      {
        client: server.api,
        path: pathTo(api.onlineUnlock.start),
        body: { cardSerial: '\u0000' },
        field: 'body.cardSerial',
      },
      {
        client: f.admin,
        path: pathTo(api.users.list),
        body: { username: 'nul-user', displayName: 'x', email: 'x@example.org', ['k\u0000']: 1 },
        field: 'body.k\\u0000',
      },
      {
        client: f.admin,
        path: pathTo(api.profiles.list),
        body: { name: 'p', pinRules: { minLength: 6 }, description: ['\u0000'] },
        field: 'body.description.0',
      },
    ];
    for (const { client, path, body, field } of cases) {
      const refused = await client.post(path, body);
      expect(refused.status, path).toBe(400);
      expect(refused.body, path).toMatchObject({
        error: {
          code: 'request.invalid',
          message: expect.stringContaining(`${field}: must not contain NUL`),
        },
      });
    }
    const query = await f.admin.get(`${pathTo(api.users.list)}?search=%00`);
    expect(query.status).toBe(400);
    expect(query.body).toMatchObject({
      error: { code: 'request.invalid', message: expect.stringContaining('querystring.search') },
    });
    const param = await f.admin.get(`${pathTo(api.users.list)}/a%00b` /* raw: a NUL once decoded */);
    expect(param.status).toBe(400);
  });

  it('refuses unpaired surrogates, which are not text (found by the fuzzer: 500 before)', async () => {
    const refused = await f.admin.post(pathTo(api.securityQuestions.create), { text: '!!\ud800!!' });
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({
      error: {
        code: 'request.invalid',
        message: expect.stringContaining('body.text: must be valid Unicode'),
      },
    });
    const paired = await f.admin.post(pathTo(api.securityQuestions.create), { text: 'Favourite emoji 😀?' });
    expect(paired.status).toBe(201);
  });

  it('refuses a PATCH with nothing to change', async () => {
    for (const path of [
      pathTo(api.users.get, { id: f.userId }),
      pathTo(api.profiles.get, { id: f.profileId }),
      pathTo(api.cards.get, { id: f.cardId }),
    ]) {
      const empty = await f.admin.patch(path, {});
      expect(empty.status, path).toBe(400);
      expect(empty.body, path).toMatchObject({
        error: { code: 'request.invalid', message: expect.stringContaining('nothing to change') },
      });
    }
    expect(
      (await f.admin.patch(pathTo(api.users.update, { id: f.userId }), { ticket: 'INC-1' })).status,
    ).toBe(400);
    expect(
      (await f.admin.patch(pathTo(api.users.update, { id: f.userId }), { displayName: 'Changed' })).status,
    ).toBe(200);
  });

  it('authenticates before it validates: 401 or 403, never a description of the body', async () => {
    const anonymous = await server.api.post(pathTo(api.users.create), { nonsense: true });
    expect(anonymous.status).toBe(401);
    expect(anonymous.body).toMatchObject({ error: { code: 'auth.unauthenticated' } });
    const nul = await server.api.post(pathTo(api.users.create), { username: '\u0000' });
    expect(nul.status).toBe(401);
    const wrongRole = await f.auditor.post(pathTo(api.users.create), { nonsense: true });
    expect(wrongRole.status).toBe(403);
    const badParam = await server.api.get(pathTo(api.users.get, { id: 'not-a-uuid' }));
    expect(badParam.status).toBe(401);
  });
});
