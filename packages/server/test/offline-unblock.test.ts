import { expect, it } from 'vitest';
import { registerCard, type Fixture, useServerWithFixture } from '@cardwarden/integration-tests/fixtures';
import { forEachDatabase, type TestServer } from '@cardwarden/integration-tests/test-server';
import { expectedResponse } from './support/independent-response.js';
import { api, pathTo } from '@cardwarden/contract';
import type { AdminKeyAlgorithm } from '@cardwarden/protocol/admin-key';

type Session = { id: string; attemptsRemaining: number; challengeLength: number };
type Issued = {
  response: string;
  responseGroups: string[];
  attemptsRemaining: number;
  corrections: unknown[];
};

forEachDatabase('operator offline unblock', (kind) => {
  let server: TestServer;
  let f: Fixture;

  useServerWithFixture(kind, (started) => ({ server, f } = started));

  async function start(cardId = f.cardId) {
    return f.operator.call(api.offlineUnblocks.start, { params: { id: cardId }, body: { ticket: 'INC-1' } });
  }

  it('answers the TPM default key vector for a challenge typed with spaces, dashes and lower case', async () => {
    const session = await start();
    expect(session.status).toBe(201);
    expect(session.body).toMatchObject({ attemptsRemaining: 3, challengeLength: 16 });
    const issued = await f.operator.call(api.offlineUnblocks.response, {
      params: { id: session.body.id },
      body: { challenge: '0557 897f 8D84-407B' },
    });
    expect(issued.status).toBe(200);
    expect(issued.body).toMatchObject({
      response: '7716F4B2D7214EB2',
      responseGroups: ['7716', 'F4B2', 'D721', '4EB2'],
      responsePhonetic:
        'seven seven one six, foxtrot four bravo two, delta seven two one, four echo bravo two',
      attemptsRemaining: 2,
    });
    const outcome = await f.operator.call(api.offlineUnblocks.outcome, {
      params: { id: session.body.id },
      body: { result: 'unblocked' },
    });
    expect(outcome.status).toBe(200);
    expect(outcome.body).toMatchObject({ state: 'unblocked', attemptsRemaining: 3 });
  });

  it.each<[AdminKeyAlgorithm, string, string]>([
    ['3des', '0123456789ABCDEFFEDCBA987654321089ABCDEF01234567', 'A892D75601617C5D'],
    ['aes128', '2B7E151628AED2A6ABF7158809CF4F3C', '3A7F09C2E4B15D68E10F2C3B4A596877'],
    ['aes192', '8E73B0F7DA0E6452C810F32B809079E562F8EAD2522C6B7B', '6BC1BEE22E409F96E93D7E117393172A'],
    [
      'aes256',
      '603DEB1015CA71BE2B73AEF0857D77811F352C073B6108D72D9810A30914DFF4',
      'AE2D8A571E03AC9C9EB76FAC45AF8E51',
    ],
  ])('gives E_K(challenge) for %s keys', async (algorithm, key, challenge) => {
    const card = await registerCard(f.admin, {
      username: f.username,
      profile: f.profileName,
      algorithm,
      key,
    });
    const session = await start(card.id);
    expect(session.body.challengeLength).toBe(challenge.length);
    const typed = challenge.toLowerCase().replace(/(.{4})/g, '$1 ');
    const issued = await f.operator.call(api.offlineUnblocks.response, {
      params: { id: session.body.id },
      body: { challenge: typed },
    });
    expect(issued.status).toBe(200);
    expect(issued.body.response).toBe(expectedResponse(algorithm, key, challenge));
  });

  it('reads O as 0 and I or L as 1, and says so', async () => {
    const session = await start();
    const issued = await f.operator.post<Issued>(
      pathTo(api.offlineUnblocks.response, { id: session.body.id }),
      {
        challenge: 'O557 897F 8D84 4O7B',
      },
    );
    expect(issued.body.response).toBe('7716F4B2D7214EB2');
    expect(issued.body.corrections).toEqual([
      { position: 1, from: 'O', to: '0' },
      { position: 17, from: 'O', to: '0' },
    ]);
    await f.operator.post(pathTo(api.offlineUnblocks.outcome, { id: session.body.id }), {
      result: 'unblocked',
    });
  });

  it('refuses malformed and wrong-length challenges without spending an attempt', async () => {
    const session = await start();
    const url = pathTo(api.offlineUnblocks.response, { id: session.body.id });
    const badChar = await f.operator.post(url, { challenge: '0557X97F8D84407B' });
    expect(badChar.status).toBe(422);
    expect(badChar.body).toEqual({
      error: {
        code: 'challenge.bad_character',
        message: "'X' at position 5 is not a hex digit (use 0-9 and A-F)",
      },
    });
    const short = await f.operator.post(url, { challenge: '0557 897F 8D84 40' });
    expect(short.body).toMatchObject({
      error: { code: 'challenge.bad_length', message: 'challenge was 14 hex characters, expected 16' },
    });
    const aesLength = await f.operator.post(url, { challenge: '00112233445566778899AABBCCDDEEFF' });
    expect(aesLength.body).toMatchObject({ error: { code: 'challenge.bad_length' } });
    expect((await f.operator.post(url, { challenge: '' })).body).toMatchObject({
      error: { code: 'challenge.empty' },
    });
    expect((await f.operator.post(url, { challenge: 12345 })).status).toBe(400);
    const after = await f.operator.get<Session>(pathTo(api.offlineUnblocks.get, { id: session.body.id }));
    expect(after.body.attemptsRemaining).toBe(3);
  });

  it('refuses a use case that is not enabled, and inactive users or cards, each with its own code', async () => {
    const card = await registerCard(f.admin, { username: f.username, profile: f.profileName });
    await f.admin.patch(pathTo(api.profiles.update, { id: f.profileId }), {
      useCases: { operatorOfflineUnblock: false },
    });
    const disabled = await start(card.id);
    expect(disabled.status).toBe(403);
    expect(disabled.body).toMatchObject({ error: { code: 'offline_unblock.use_case_disabled' } });
    const detail = await f.operator.get<{ cards: { id: string; offlineUnblock: unknown }[] }>(
      pathTo(api.users.get, { id: f.userId }),
    );
    expect(detail.body.cards.find((c) => c.id === card.id)?.offlineUnblock).toMatchObject({
      available: false,
      reason: 'offline_unblock.use_case_disabled',
    });
    await f.admin.patch(pathTo(api.profiles.update, { id: f.profileId }), {
      useCases: { operatorOfflineUnblock: true },
    });

    await f.admin.patch(pathTo(api.cards.update, { id: card.id }), { state: 'suspended' });
    expect((await start(card.id)).body).toMatchObject({ error: { code: 'card.not_active' } });
    expect((await start(card.id)).status).toBe(409);
    await f.admin.patch(pathTo(api.cards.update, { id: card.id }), { state: 'active' });

    await f.admin.patch(pathTo(api.users.update, { id: f.userId }), { state: 'suspended' });
    const suspended = await start(card.id);
    expect(suspended.status).toBe(409);
    expect(suspended.body).toMatchObject({ error: { code: 'user.not_active' } });
    await f.admin.patch(pathTo(api.users.update, { id: f.userId }), { state: 'active' });

    expect((await start(card.id)).status).toBe(201);
  });

  it('stops a session whose use case was disabled after it started', async () => {
    const session = await start();
    await f.admin.patch(pathTo(api.profiles.update, { id: f.profileId }), {
      useCases: { operatorOfflineUnblock: false },
    });
    const refused = await f.operator.post(pathTo(api.offlineUnblocks.response, { id: session.body.id }), {
      challenge: '0557897F8D84407B',
    });
    await f.admin.patch(pathTo(api.profiles.update, { id: f.profileId }), {
      useCases: { operatorOfflineUnblock: true },
    });
    expect(refused.body).toMatchObject({ error: { code: 'offline_unblock.use_case_disabled' } });
  });

  it('answers an unknown card or session with 404 and a bad id with 400', async () => {
    const unknown = await start('00000000-0000-4000-8000-000000000000');
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({ error: { code: 'card.not_found' } });
    const noSession = await f.operator.post(
      pathTo(api.offlineUnblocks.response, { id: '00000000-0000-4000-8000-000000000000' }),
      {
        challenge: '0557897F8D84407B',
      },
    );
    expect(noSession.body).toMatchObject({ error: { code: 'offline_unblock.not_found' } });
    const badId = await f.operator.post(pathTo(api.offlineUnblocks.start, { id: 'not-a-uuid' }), {});
    expect(badId.status).toBe(400);
    expect(badId.body).toMatchObject({ error: { code: 'request.invalid' } });
  });

  it('checks roles: an auditor cannot unblock, an operator cannot manage, no token is 401', async () => {
    const auditor = await f.auditor.post(pathTo(api.offlineUnblocks.start, { id: f.cardId }), {});
    expect(auditor.status).toBe(403);
    expect(auditor.body).toMatchObject({ error: { code: 'auth.forbidden' } });
    for (const [path, body] of [
      [pathTo(api.operators.list), { username: 'x', password: 'long enough password', role: 'admin' }],
      [pathTo(api.profiles.list), { name: 'x' }],
      [pathTo(api.users.list), { username: 'x', displayName: 'x', email: 'x@example.org' }],
    ] as const) {
      expect((await f.operator.post(path, body)).status).toBe(403);
      expect((await f.auditor.post(path, body)).status).toBe(403);
    }
    expect(
      (await f.operator.patch(pathTo(api.profiles.update, { id: f.profileId }), { maxPinAttempts: 5 }))
        .status,
    ).toBe(403);
    expect((await f.auditor.get(pathTo(api.audit.list))).status).toBe(200);
    const anonymous = await server.api.post(pathTo(api.offlineUnblocks.start, { id: f.cardId }), {});
    expect(anonymous.status).toBe(401);
    expect(anonymous.body).toMatchObject({ error: { code: 'auth.unauthenticated' } });
    const forged = await server.api.as('not-a-real-token-but-long-enough').get(pathTo(api.users.list));
    expect(forged.status).toBe(401);
  });

  it('lets only the operator who started a session continue it', async () => {
    const session = await start();
    const other = await f.supervisor.post(pathTo(api.offlineUnblocks.response, { id: session.body.id }), {
      challenge: '0557897F8D84407B',
    });
    expect(other.status).toBe(403);
    await f.operator.post(pathTo(api.offlineUnblocks.cancel, { id: session.body.id }));
  });

  it('counts the budget: the last attempt needs another person’s approval, then none is left', async () => {
    const card = await registerCard(f.admin, { username: f.username, profile: f.profileName });
    const session = await start(card.id);
    const url = pathTo(api.offlineUnblocks.get, { id: session.body.id });
    const answer = () => f.operator.post<Issued>(`${url}/response`, { challenge: '0557897F8D84407B' });
    expect((await answer()).body.attemptsRemaining).toBe(2);
    expect((await answer()).body.attemptsRemaining).toBe(1);
    const needsApproval = await answer();
    expect(needsApproval.status).toBe(403);
    expect(needsApproval.body).toMatchObject({ error: { code: 'offline_unblock.approval_required' } });
    expect((await f.operator.get(url)).body).toMatchObject({
      approval: { requiredForNextResponse: true, approvedBy: null },
    });
    const awaiting = await f.supervisor.get<{ items: { id: string }[] }>(
      `${pathTo(api.offlineUnblocks.list)}?awaitingApproval=true`,
    );
    expect(awaiting.body.items.map((s) => s.id)).toContain(session.body.id);

    const self = await f.operator.post(`${url}/approve`, {});
    expect(self.status).toBe(403);
    expect((await f.auditor.post(`${url}/approve`, {})).status).toBe(403);
    const approved = await f.supervisor.post(`${url}/approve`, { ticket: 'CHG-7' });
    expect(approved.status).toBe(200);

    const last = await answer();
    expect(last.status).toBe(200);
    expect(last.body.attemptsRemaining).toBe(0);
    const fourth = await answer();
    expect(fourth.status).toBe(409);
    expect(fourth.body).toMatchObject({ error: { code: 'offline_unblock.attempts_exhausted' } });
    const exhausted = await start(card.id);
    expect(exhausted.body).toMatchObject({ error: { code: 'offline_unblock.attempts_exhausted' } });

    // The caller typed the last response right after all: the card is unblocked, the count starts again.
    expect((await f.operator.post(`${url}/outcome`, { result: 'unblocked' })).status).toBe(200);
    expect((await start(card.id)).body).toMatchObject({ attemptsRemaining: 3 });
  });

  it('keeps the count across sessions when the outcome is failed', async () => {
    const card = await registerCard(f.admin, { username: f.username, profile: f.profileName });
    for (const remaining of [2, 1]) {
      const session = await start(card.id);
      const issued = await f.operator.post<Issued>(
        pathTo(api.offlineUnblocks.response, { id: session.body.id }),
        {
          challenge: '0557897F8D84407B',
        },
      );
      expect(issued.body.attemptsRemaining).toBe(remaining);
      await f.operator.post(pathTo(api.offlineUnblocks.outcome, { id: session.body.id }), {
        result: 'failed',
      });
    }
    const third = await start(card.id);
    expect(third.body).toMatchObject({ attemptsRemaining: 1 });
    const refused = await f.operator.post(pathTo(api.offlineUnblocks.response, { id: third.body.id }), {
      challenge: '0557897F8D84407B',
    });
    expect(refused.body).toMatchObject({ error: { code: 'offline_unblock.approval_required' } });
    const reset = await f.admin.post(pathTo(api.cards.resetAdminKeyAttempts, { id: card.id }), {
      reason: 'the caller never typed the responses',
      ticket: 'checked the card',
    });
    expect(reset.body).toMatchObject({ adminKey: { attemptsRemaining: 3 } });
  });

  it('closes sessions: no outcome without a response, nothing after the outcome', async () => {
    const session = await start();
    const url = pathTo(api.offlineUnblocks.get, { id: session.body.id });
    expect((await f.operator.post(`${url}/outcome`, { result: 'unblocked' })).body).toMatchObject({
      error: { code: 'offline_unblock.no_response' },
    });
    expect((await f.operator.post(`${url}/cancel`)).body).toMatchObject({ state: 'cancelled' });
    expect((await f.operator.post(`${url}/response`, { challenge: '0557897F8D84407B' })).body).toMatchObject({
      error: { code: 'offline_unblock.closed' },
    });
  });

  it('audits every response issued with the operator, the card and the user, never the response', async () => {
    const card = await registerCard(f.admin, { username: f.username, profile: f.profileName });
    const session = await start(card.id);
    await f.operator.post(pathTo(api.offlineUnblocks.response, { id: session.body.id }), {
      challenge: '0557897F8D84407B',
    });
    const audit = await f.auditor.get<{ items: Record<string, unknown>[] }>(
      `${pathTo(api.audit.list)}?cardId=${card.id}`,
    );
    expect(audit.status).toBe(200);
    const issued = audit.body.items.filter((e) => e.action === 'offline_unblock.response_issued');
    expect(issued).toHaveLength(1);
    expect(issued[0]).toMatchObject({
      actor: f.operatorName,
      cardId: card.id,
      userId: f.userId,
      ticket: 'INC-1',
    });
    expect(JSON.stringify(audit.body)).not.toContain('7716F4B2D7214EB2');
    expect(audit.body.items.map((e) => e.action)).toEqual([
      'offline_unblock.response_issued',
      'offline_unblock.started',
      'card.registered',
    ]);
    const bySerial = await f.auditor.get<{ items: unknown[] }>(
      `${pathTo(api.audit.list)}?cardSerial=${card.serial.toLowerCase()}`,
    );
    expect(bySerial.body.items).toEqual(audit.body.items);
    const byUsername = await f.auditor.get<{ items: { userId: string }[] }>(
      `${pathTo(api.audit.list)}?username=${f.username}`,
    );
    expect(byUsername.body.items.length).toBeGreaterThan(0);
    expect(byUsername.body.items.every((e) => e.userId === f.userId)).toBe(true);
    expect(
      (await f.auditor.get<{ total: number }>(`${pathTo(api.audit.list)}?username=nobody-at-all`)).body.total,
    ).toBe(0);
    const csv = await f.auditor.get(`${pathTo(api.audit.exportCsv)}?cardId=${card.id}`);
    expect(csv.headers.get('content-type')).toMatch(/text\/csv/);
    expect(csv.text.split('\r\n')[0]).toBe(
      'at,actor,actorType,action,cardId,userId,sessionId,ticket,details',
    );
    expect(csv.text).toContain(f.operatorName);
  });
});
