import { afterAll, beforeAll, expect, it } from 'vitest';
import type { ApiClient } from '@cardwarden/integration-tests/api-client';
import { createFixture, registerCard, unique, type Fixture } from '@cardwarden/integration-tests/fixtures';
import { forEachDatabase, startTestServer, type TestServer } from '@cardwarden/integration-tests/test-server';
import { api, pathTo } from '@cardwarden/contract';

type Card = { id: string; offlineUnblock: { available: boolean; reason: string | null } };

forEachDatabase('self-service offline unblock', (kind) => {
  let server: TestServer;
  let f: Fixture;
  let me: ApiClient;
  const password = 'my own card password';

  beforeAll(async () => {
    server = await startTestServer(kind);
    f = await createFixture(server.api, { useCases: { selfServiceOfflineUnblock: true } });
    await f.admin.put(pathTo(api.users.setPassword, { id: f.userId }), { password });
    me = await server.api.login(f.username, password, pathTo(api.selfService.login));
  });
  afterAll(async () => {
    await server.close();
  });

  it('lists my cards and unblocks one offline, then records that it worked', async () => {
    const cards = await me.get<{ items: Card[] }>(pathTo(api.selfService.cards));
    expect(cards.body.items).toHaveLength(1);
    expect(cards.body.items[0]).toMatchObject({
      id: f.cardId,
      challengeLength: 16,
      offlineUnblock: { available: true },
    });
    const issued = await me.post<{
      id: string;
      response: string;
      attemptsRemaining: number;
      pinRules: unknown;
    }>(pathTo(api.selfService.offlineUnblock, { id: f.cardId }), { challenge: '0557 897f 8d84 407b' });
    expect(issued.status).toBe(200);
    expect(issued.body).toMatchObject({
      response: '7716F4B2D7214EB2',
      attemptsRemaining: 2,
      pinRules: { minLength: 6 },
    });
    const outcome = await me.post(pathTo(api.selfService.outcome, { id: issued.body.id }), {
      result: 'unblocked',
    });
    expect(outcome.status).toBe(200);
    const audit = await f.auditor.get<{ items: { action: string; actor: string; actorType: string }[] }>(
      `${pathTo(api.audit.list)}?cardId=${f.cardId}`,
    );
    expect(audit.body.items[0]).toMatchObject({
      action: 'offline_unblock.outcome_recorded',
      actor: f.username,
      actorType: 'cardholder',
    });
  });

  it('only where the profile enables it', async () => {
    const profile = unique('no-self-service');
    await f.admin.post(pathTo(api.profiles.create), {
      name: profile,
      useCases: { operatorOfflineUnblock: true },
    });
    const card = await registerCard(f.admin, { username: f.username, profile });
    const cards = await me.get<{ items: Card[] }>(pathTo(api.selfService.cards));
    expect(cards.body.items.find((c) => c.id === card.id)?.offlineUnblock).toMatchObject({
      available: false,
      reason: 'offline_unblock.use_case_disabled',
    });
    const refused = await me.post(pathTo(api.selfService.offlineUnblock, { id: card.id }), {
      challenge: '0557897F8D84407B',
    });
    expect(refused.status).toBe(403);
  });

  it("cannot reach another user's card or session", async () => {
    const other = await createFixture(server.api, {
      useCases: { selfServiceOfflineUnblock: true, operatorOfflineUnblock: true },
    });
    const refused = await me.post(pathTo(api.selfService.offlineUnblock, { id: other.cardId }), {
      challenge: '0557897F8D84407B',
    });
    expect(refused.status).toBe(404);
    expect(refused.body).toMatchObject({ error: { code: 'card.not_found' } });
    const session = await other.operator.post<{ id: string }>(
      pathTo(api.offlineUnblocks.start, { id: other.cardId }),
      {},
    );
    expect(session.status).toBe(201);
    const outcome = await me.post(pathTo(api.selfService.outcome, { id: session.body.id }), {
      result: 'failed',
    });
    expect(outcome.status).toBe(404);
    const cards = await me.get<{ items: Card[] }>(pathTo(api.selfService.cards));
    expect(cards.body.items.map((c) => c.id)).not.toContain(other.cardId);
  });

  it('never spends the last admin-key attempt: that one is for the help desk', async () => {
    const card = await registerCard(f.admin, { username: f.username, profile: f.profileName });
    const url = pathTo(api.selfService.offlineUnblock, { id: card.id });
    expect((await me.post(url, { challenge: '0557897F8D84407B' })).status).toBe(200);
    expect((await me.post(url, { challenge: '0557897F8D84407B' })).status).toBe(200);
    const listed = await me.get<{ items: Card[] }>(pathTo(api.selfService.cards));
    expect(listed.body.items.find((c) => c.id === card.id)?.offlineUnblock).toMatchObject({
      available: false,
      reason: 'self_service.last_attempt',
    });
    const last = await me.post(url, { challenge: '0557897F8D84407B' });
    expect(last.status).toBe(409);
    expect(last.body).toMatchObject({
      error: { code: 'self_service.last_attempt', message: expect.stringContaining('help desk') },
    });
  });

  it('refuses a mistyped challenge without starting anything', async () => {
    const bad = await me.post(pathTo(api.selfService.offlineUnblock, { id: f.cardId }), {
      challenge: '0557 897F 8D84',
    });
    expect(bad.status).toBe(422);
    expect(bad.body).toMatchObject({ error: { code: 'challenge.bad_length' } });
  });

  it('ends the cardholder’s sign-in when the user is suspended', async () => {
    const user = await createFixture(server.api, { useCases: { selfServiceOfflineUnblock: true } });
    await user.admin.put(pathTo(api.users.setPassword, { id: user.userId }), { password });
    const session = await server.api.login(user.username, password, pathTo(api.selfService.login));
    await user.admin.patch(pathTo(api.users.update, { id: user.userId }), { state: 'suspended' });
    expect((await session.get(pathTo(api.selfService.cards))).status).toBe(401);
    // The right password learns why it does not sign in; a wrong one learns nothing (see refusals.test.ts).
    const again = await server.api.post(pathTo(api.selfService.login), { username: user.username, password });
    expect(again.status).toBe(403);
    expect(again.body).toMatchObject({ error: { code: 'self_service.account_suspended' } });
  });
});
