import { afterAll, beforeAll, expect, it } from 'vitest';
import type { ApiClient } from './support/api-client.js';
import { createFixture, registerCard, unique, type Fixture } from './support/fixtures.js';
import { forEachDatabase, startTestServer, type TestServer } from './support/test-server.js';

type Card = { id: string; offlineUnblock: { available: boolean; reason: string | null } };

forEachDatabase('self-service offline unblock', (kind) => {
  let server: TestServer;
  let f: Fixture;
  let me: ApiClient;
  const password = 'my own card password';

  beforeAll(async () => {
    server = await startTestServer(kind);
    f = await createFixture(server.api, { useCases: { selfServiceOfflineUnblock: true } });
    await f.admin.put(`/api/v1/users/${f.userId}/password`, { password });
    me = await server.api.login(f.username, password, '/api/v1/self-service/login');
  });
  afterAll(async () => {
    await server.close();
  });

  it('lists my cards and unblocks one offline, then records that it worked', async () => {
    const cards = await me.get<{ items: Card[] }>('/api/v1/self-service/cards');
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
    }>(`/api/v1/self-service/cards/${f.cardId}/offline-unblock`, { challenge: '0557 897f 8d84 407b' });
    expect(issued.status).toBe(200);
    expect(issued.body).toMatchObject({
      response: '7716F4B2D7214EB2',
      attemptsRemaining: 2,
      pinRules: { minLength: 6 },
    });
    const outcome = await me.post(`/api/v1/self-service/offline-unblocks/${issued.body.id}/outcome`, {
      result: 'unblocked',
    });
    expect(outcome.status).toBe(200);
    const audit = await f.auditor.get<{ items: { action: string; actor: string; actorType: string }[] }>(
      `/api/v1/audit?cardId=${f.cardId}`,
    );
    expect(audit.body.items[0]).toMatchObject({
      action: 'offline_unblock.outcome_recorded',
      actor: f.username,
      actorType: 'cardholder',
    });
  });

  it('only where the profile enables it', async () => {
    const profile = unique('no-self-service');
    await f.admin.post('/api/v1/profiles', { name: profile, useCases: { operatorOfflineUnblock: true } });
    const card = await registerCard(f.admin, { username: f.username, profile });
    const cards = await me.get<{ items: Card[] }>('/api/v1/self-service/cards');
    expect(cards.body.items.find((c) => c.id === card.id)?.offlineUnblock).toMatchObject({
      available: false,
      reason: 'offline_unblock.use_case_disabled',
    });
    const refused = await me.post(`/api/v1/self-service/cards/${card.id}/offline-unblock`, {
      challenge: '0557897F8D84407B',
    });
    expect(refused.status).toBe(403);
  });

  it("cannot reach another user's card or session", async () => {
    const other = await createFixture(server.api, {
      useCases: { selfServiceOfflineUnblock: true, operatorOfflineUnblock: true },
    });
    const refused = await me.post(`/api/v1/self-service/cards/${other.cardId}/offline-unblock`, {
      challenge: '0557897F8D84407B',
    });
    expect(refused.status).toBe(404);
    expect(refused.body).toMatchObject({ error: { code: 'card.not_found' } });
    const session = await other.operator.post<{ id: string }>(
      `/api/v1/cards/${other.cardId}/offline-unblocks`,
      {},
    );
    expect(session.status).toBe(201);
    const outcome = await me.post(`/api/v1/self-service/offline-unblocks/${session.body.id}/outcome`, {
      result: 'failed',
    });
    expect(outcome.status).toBe(404);
    const cards = await me.get<{ items: Card[] }>('/api/v1/self-service/cards');
    expect(cards.body.items.map((c) => c.id)).not.toContain(other.cardId);
  });

  it('never spends the last admin-key attempt: that one is for the help desk', async () => {
    const card = await registerCard(f.admin, { username: f.username, profile: f.profileName });
    const url = `/api/v1/self-service/cards/${card.id}/offline-unblock`;
    expect((await me.post(url, { challenge: '0557897F8D84407B' })).status).toBe(200);
    expect((await me.post(url, { challenge: '0557897F8D84407B' })).status).toBe(200);
    const listed = await me.get<{ items: Card[] }>('/api/v1/self-service/cards');
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
    const bad = await me.post(`/api/v1/self-service/cards/${f.cardId}/offline-unblock`, {
      challenge: '0557 897F 8D84',
    });
    expect(bad.status).toBe(422);
    expect(bad.body).toMatchObject({ error: { code: 'challenge.bad_length' } });
  });

  it('ends the cardholder’s sign-in when the user is suspended', async () => {
    const user = await createFixture(server.api, { useCases: { selfServiceOfflineUnblock: true } });
    await user.admin.put(`/api/v1/users/${user.userId}/password`, { password });
    const session = await server.api.login(user.username, password, '/api/v1/self-service/login');
    await user.admin.patch(`/api/v1/users/${user.userId}`, { state: 'suspended' });
    expect((await session.get('/api/v1/self-service/cards')).status).toBe(401);
    // The right password learns why it does not sign in; a wrong one learns nothing (see refusals.test.ts).
    const again = await server.api.post('/api/v1/self-service/login', { username: user.username, password });
    expect(again.status).toBe(403);
    expect(again.body).toMatchObject({ error: { code: 'self_service.account_suspended' } });
  });
});
