import { afterAll, beforeAll, expect, it } from 'vitest';
import { createFixture, registerCard, unique, type Fixture } from '@cardwarden/integration-tests/fixtures';
import { forEachDatabase, startTestServer, type TestServer } from '@cardwarden/integration-tests/test-server';
import { api, pathTo } from '@cardwarden/contract';

type Availability = { available: boolean; reason: string | null; message: string | null };

forEachDatabase('refusals say what is wrong and who can fix it', (kind) => {
  let server: TestServer;
  let f: Fixture;
  beforeAll(async () => {
    server = await startTestServer(kind);
    f = await createFixture(server.api, {
      useCases: { operatorOfflineUnblock: true, selfServiceOfflineUnblock: true },
    });
  });
  afterAll(async () => {
    await server.close();
  });

  async function cardholder() {
    const username = unique('holder');
    const user = await f.admin.post<{ id: string }>(pathTo(api.users.create), {
      username,
      displayName: `Holder ${username}`,
      email: `${username}@example.org`,
    });
    const password = `${username} self-service`;
    await f.admin.put(pathTo(api.users.setPassword, { id: user.body.id }), { password });
    return { id: user.body.id, username, password };
  }

  it('tells a suspended cardholder who typed the right password that the account is suspended', async () => {
    const holder = await cardholder();
    await f.admin.patch(pathTo(api.users.update, { id: holder.id }), { state: 'suspended' });
    const login = (password: string, username = holder.username) =>
      server.api.post(pathTo(api.selfService.login), { username, password });

    const right = await login(holder.password);
    expect(right.status).toBe(403);
    expect(right.body).toEqual({
      error: {
        code: 'self_service.account_suspended',
        message: expect.stringContaining('your account is suspended: contact your administrator') as unknown,
      },
    });
    // A wrong password says nothing about the account: the same answer as for nobody at all.
    const wrong = await login('not the password at all');
    const nobody = await login('not the password at all', unique('nobody'));
    expect(wrong.status).toBe(401);
    expect(wrong.body).toEqual(nobody.body);
    expect(wrong.body).toMatchObject({ error: { code: 'auth.invalid_credentials' } });

    await f.admin.patch(pathTo(api.users.update, { id: holder.id }), { state: 'active' });
    expect((await login(holder.password)).status).toBe(200);
  });

  it('tells staff that a user or a card is suspended and that an administrator can reactivate it', async () => {
    const holder = await cardholder();
    const card = await registerCard(f.admin, { username: holder.username, profile: f.profileName });
    const availability = async () =>
      (await f.operator.get<{ offlineUnblock: Availability }>(pathTo(api.cards.get, { id: card.id }))).body
        .offlineUnblock;

    await f.admin.patch(pathTo(api.users.update, { id: holder.id }), { state: 'suspended' });
    expect(await availability()).toMatchObject({
      reason: 'user.not_active',
      message: 'this user is suspended: an administrator can reactivate them',
    });
    const refused = await f.operator.post(pathTo(api.offlineUnblocks.start, { id: card.id }), {});
    expect(refused.body).toMatchObject({
      error: {
        code: 'user.not_active',
        message: 'this user is suspended: an administrator can reactivate them',
      },
    });
    await f.admin.patch(pathTo(api.users.update, { id: holder.id }), { state: 'active' });

    await f.admin.patch(pathTo(api.cards.update, { id: card.id }), { state: 'suspended' });
    expect(await availability()).toMatchObject({
      reason: 'card.not_active',
      message: 'this card is suspended: an administrator can reactivate it',
    });
    await f.admin.patch(pathTo(api.cards.update, { id: card.id }), { state: 'revoked' });
    expect((await availability()).message).toMatch(/revoked.*replacement card/);
  });

  it('tells a cardholder in self-service what is wrong with the card', async () => {
    const holder = await cardholder();
    const card = await registerCard(f.admin, { username: holder.username, profile: f.profileName });
    const me = await server.api.login(holder.username, holder.password, pathTo(api.selfService.login));
    await f.admin.patch(pathTo(api.cards.update, { id: card.id }), { state: 'suspended' });
    const cards = await me.get<{ items: { offlineUnblock: Availability }[] }>(pathTo(api.selfService.cards));
    expect(cards.body.items[0]?.offlineUnblock.message).toBe(
      'this card is suspended: contact your administrator, who can reactivate it',
    );
  });
});
