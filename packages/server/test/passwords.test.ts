import { expect, it } from 'vitest';
import { unique, type Fixture, useServerWithFixture } from '@cardwarden/integration-tests/fixtures';
import { ADMIN, forEachDatabase, type TestServer } from '@cardwarden/integration-tests/test-server';
import { api, pathTo } from '@cardwarden/contract';

type Login = { token: string; mustChangePassword: boolean };

forEachDatabase('changing and resetting passwords', (kind) => {
  let server: TestServer;
  let f: Fixture;
  useServerWithFixture(kind, (started) => ({ server, f } = started));

  async function newOperator(role = 'operator') {
    const username = unique(role);
    const password = `${username} first password`;
    const created = await f.admin.post<{ id: string; mustChangePassword: boolean }>(
      pathTo(api.operators.create),
      {
        username,
        password,
        role,
      },
    );
    expect(created.status).toBe(201);
    return { id: created.body.id, username, password, created: created.body };
  }

  it('changes one’s own password: only the new one signs in, other sessions end, this one stays', async () => {
    const { username, password } = await newOperator();
    const here = await server.api.login(username, password);
    const elsewhere = await server.api.login(username, password);
    const newPassword = `${username} second password`;

    const wrong = await here.post(pathTo(api.auth.changePassword), {
      currentPassword: 'not my password at all',
      newPassword,
    });
    expect(wrong.status).toBe(403);
    expect(wrong.body).toMatchObject({
      error: { code: 'auth.wrong_password', message: expect.stringContaining('current password') },
    });
    expect((await elsewhere.get(pathTo(api.users.list))).status).toBe(200);

    const short = await here.post(pathTo(api.auth.changePassword), {
      currentPassword: password,
      newPassword: 'short',
    });
    expect(short.status).toBe(400);

    const changed = await here.post(pathTo(api.auth.changePassword), {
      currentPassword: password,
      newPassword,
    });
    expect(changed.status).toBe(204);
    expect((await here.get(pathTo(api.users.list))).status).toBe(200);
    expect((await elsewhere.get(pathTo(api.users.list))).status).toBe(401);
    expect((await server.api.post(pathTo(api.auth.login), { username, password })).status).toBe(401);
    expect((await server.api.post(pathTo(api.auth.login), { username, password: newPassword })).status).toBe(
      200,
    );

    const audit = await f.admin.get<{ items: { action: string; actor: string }[] }>(
      `${pathTo(api.audit.list)}?actor=${username}&action=auth.`,
    );
    const actions = audit.body.items.map((e) => e.action);
    expect(actions).toContain('auth.password_changed');
    expect(actions).toContain('auth.password_change_failed');
    expect(JSON.stringify(audit.body)).not.toContain(newPassword);
  });

  it('lets a cardholder change the self-service password, ending their other sessions', async () => {
    const password = `${f.username} self-service one`;
    expect((await f.admin.put(pathTo(api.users.setPassword, { id: f.userId }), { password })).status).toBe(
      204,
    );
    const path = pathTo(api.selfService.login);
    const here = await server.api.login(f.username, password, path);
    const elsewhere = await server.api.login(f.username, password, path);
    const newPassword = `${f.username} self-service two`;
    const wrong = await here.post(pathTo(api.selfService.changePassword), {
      currentPassword: 'wrong wrong wrong',
      newPassword,
    });
    expect(wrong.status).toBe(403);
    expect(wrong.body).toMatchObject({ error: { code: 'auth.wrong_password' } });
    // An operator token cannot use the cardholders' route, nor a cardholder's the operators'.
    expect(
      (await f.operator.post(pathTo(api.selfService.changePassword), { currentPassword: 'x', newPassword }))
        .status,
    ).toBe(403);
    expect(
      (await here.post(pathTo(api.auth.changePassword), { currentPassword: password, newPassword })).status,
    ).toBe(403);

    expect(
      (await here.post(pathTo(api.selfService.changePassword), { currentPassword: password, newPassword }))
        .status,
    ).toBe(204);
    expect((await here.get(pathTo(api.selfService.cards))).status).toBe(200);
    expect((await elsewhere.get(pathTo(api.selfService.cards))).status).toBe(401);
    expect((await server.api.post(path, { username: f.username, password })).status).toBe(401);
    const signedIn = await server.api.post<Login>(path, { username: f.username, password: newPassword });
    expect(signedIn.status).toBe(200);
    expect(signedIn.body.mustChangePassword).toBe(false);
  });

  it('says in the login and who-am-I answers whether the password must be changed', async () => {
    const { username, password, created } = await newOperator();
    expect(created.mustChangePassword).toBe(false);
    const login = await server.api.post<Login>(pathTo(api.auth.login), { username, password });
    expect(login.body.mustChangePassword).toBe(false);
    const me = await server.api.as(login.body.token).get(pathTo(api.auth.me));
    expect(me.body).toMatchObject({ username, role: 'operator', mustChangePassword: false });
  });

  it('resets an operator’s password to a one-time password that only lets them choose a new one', async () => {
    const { id, username, password } = await newOperator('supervisor');
    const session = await server.api.login(username, password);

    expect((await f.operator.post(pathTo(api.operators.resetPassword, { id }))).status).toBe(403);
    const reset = await f.admin.post<{ oneTimePassword: string }>(
      pathTo(api.operators.resetPassword, { id }),
    );
    expect(reset.status).toBe(200);
    const { oneTimePassword } = reset.body;
    expect(oneTimePassword).toMatch(/^[A-Za-z0-9\-_.~+=]{16,}$/);
    // The reset ended the operator's sessions, and the old password no longer works.
    expect((await session.get(pathTo(api.users.list))).status).toBe(401);
    expect((await server.api.post(pathTo(api.auth.login), { username, password })).status).toBe(401);

    const login = await server.api.post<Login>(pathTo(api.auth.login), {
      username,
      password: oneTimePassword,
    });
    expect(login.status).toBe(200);
    expect(login.body.mustChangePassword).toBe(true);
    const limited = server.api.as(login.body.token);
    expect((await limited.get(pathTo(api.auth.me))).body).toMatchObject({ mustChangePassword: true });
    for (const [method, path] of [
      ['GET', pathTo(api.users.list)],
      ['GET', `${pathTo(api.offlineUnblocks.list)}?awaitingApproval=true`],
      ['GET', pathTo(api.settings.get)],
      ['POST', pathTo(api.offlineUnblocks.start, { id: f.cardId })],
    ] as const) {
      const refused = await limited.request(method, path, method === 'POST' ? {} : undefined);
      expect(refused.status, path).toBe(403);
      expect(refused.body, path).toMatchObject({ error: { code: 'auth.password_change_required' } });
    }
    const newPassword = `${username} chosen password`;
    expect(
      (await limited.post(pathTo(api.auth.changePassword), { currentPassword: oneTimePassword, newPassword }))
        .status,
    ).toBe(204);
    expect((await limited.get(pathTo(api.users.list))).status).toBe(200);
    expect((await limited.get(pathTo(api.auth.me))).body).toMatchObject({ mustChangePassword: false });
    expect((await limited.post(pathTo(api.auth.logout))).status).toBe(204);
    expect(
      (await server.api.post<Login>(pathTo(api.auth.login), { username, password: newPassword })).body,
    ).toMatchObject({ mustChangePassword: false });

    const audit = await f.admin.get<{ items: { action: string; actor: string; details: object }[] }>(
      `${pathTo(api.audit.list)}?action=operator.password_reset`,
    );
    expect(audit.body.items[0]).toMatchObject({ actor: ADMIN.username, details: { operator: username } });
    expect(JSON.stringify(audit.body)).not.toContain(oneTimePassword);
  });

  it('lets a one-time password sign out, and an admin set a password that is not one-time', async () => {
    const { id, username } = await newOperator();
    const reset = await f.admin.post<{ oneTimePassword: string }>(
      pathTo(api.operators.resetPassword, { id }),
    );
    const limited = await server.api.login(username, reset.body.oneTimePassword);
    expect((await limited.post(pathTo(api.auth.logout))).status).toBe(204);
    const password = `${username} set by the admin`;
    const set = await f.admin.patch<{ mustChangePassword: boolean }>(pathTo(api.operators.update, { id }), {
      password,
    });
    expect(set.body.mustChangePassword).toBe(false);
    expect((await server.api.post<Login>(pathTo(api.auth.login), { username, password })).body).toMatchObject(
      {
        mustChangePassword: false,
      },
    );
  });

  it('refuses resetting one’s own password this way and an unknown operator', async () => {
    const operators = await f.admin.get<{ items: { id: string; username: string }[] }>(
      pathTo(api.operators.list),
    );
    const me = operators.body.items.find((o) => o.username === ADMIN.username);
    expect((await f.admin.post(pathTo(api.operators.resetPassword, { id: me?.id ?? '' }))).status).toBe(403);
    const unknown = await f.admin.post(
      pathTo(api.operators.resetPassword, { id: '00000000-0000-4000-8000-000000000000' }),
    );
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({ error: { code: 'operator.not_found' } });
  });
});
