import { expect, it } from 'vitest';
import { describeWith } from '@cardwarden/integration-tests/system-parts';
import { registerCard, useServerWith, useTwoInstancesWith } from '@cardwarden/integration-tests/fixtures';
import {
  answersFor,
  createSecurityFixture,
  type SecurityFixture,
} from '@cardwarden/integration-tests/security-fixture';
import { forEachDatabase, type TestServer } from '@cardwarden/integration-tests/test-server';
import { startOnlineUnlock } from './support/online-unlock.js';
import { api as routes, pathTo } from '@cardwarden/contract';

const CHALLENGE = '0557 897F 8D84 407B';

forEachDatabase('online unlock', (kind) => {
  let server: TestServer;
  let f: SecurityFixture;
  useServerWith(kind, createSecurityFixture, (started) => ({ server, f } = started));

  it('issues E_K(challenge) for right answers typed in another case, spacing or Unicode form', async () => {
    const session = await startOnlineUnlock(server.api, f.serial.toLowerCase());
    expect(session.status).toBe(201);
    expect(session.body.questions).toHaveLength(2);
    expect(session.body).toMatchObject({
      answerAttemptsRemaining: 5,
      pinRules: { minLength: 6, maxLength: 8 },
      challengeLength: 16,
    });
    const answers = answersFor(f, session.body.questions, (a) => ` ${a.toLowerCase().normalize('NFKC')}  `);
    const issued = await server.api.post(pathTo(routes.onlineUnlock.response, { id: session.body.id }), {
      answers,
      challenge: CHALLENGE,
    });
    expect(issued.status).toBe(200);
    expect(issued.body).toEqual({
      response: '7716F4B2D7214EB2',
      responseGroups: ['7716', 'F4B2', 'D721', '4EB2'],
      adminKeyAttemptsRemaining: 2,
    });
    const again = await server.api.post(pathTo(routes.onlineUnlock.response, { id: session.body.id }), {
      answers,
      challenge: CHALLENGE,
    });
    expect(again.body).toMatchObject({ error: { code: 'online_unlock.closed' } });
    expect(
      (
        await server.api.post(pathTo(routes.onlineUnlock.outcome, { id: session.body.id }), {
          result: 'unblocked',
        })
      ).status,
    ).toBe(200);
    const card = await f.operator.get<{ adminKey: { attemptsRemaining: number } }>(
      pathTo(routes.cards.get, { id: f.cardId }),
    );
    expect(card.body.adminKey.attemptsRemaining).toBe(3);
  });

  it('counts wrong answers down, locks at the limit with 423, and an admin clears it', async () => {
    const g = await createSecurityFixture(server.api);
    const seen: unknown[] = [];
    for (let i = 0; i < 5; i++) {
      const session = await startOnlineUnlock(server.api, g.serial);
      const wrong = await server.api.post(pathTo(routes.onlineUnlock.response, { id: session.body.id }), {
        answers: session.body.questions.map((q) => ({ questionId: q.id, answer: 'wrong guess' })),
        challenge: CHALLENGE,
      });
      expect(wrong.status).toBe(401);
      expect(wrong.body).toMatchObject({ error: { code: 'online_unlock.wrong_answers' } });
      seen.push(wrong.body.attemptsRemaining);
    }
    expect(seen).toEqual([4, 3, 2, 1, 0]);
    const locked = await startOnlineUnlock(server.api, g.serial);
    expect(locked.status).toBe(423);
    expect(locked.body).toMatchObject({ error: { code: 'identity.locked' } });
    expect(locked.headers.get('retry-after')).toBe('900');
    expect(locked.body).toMatchObject({
      retryAfter: 900,
      error: { message: expect.stringMatching(/15 minutes/) },
    });
    // Online unlock has its own count: the help desk's identity check is not locked.
    const detail = await g.admin.get<{ securityQuestions: unknown }>(
      pathTo(routes.users.get, { id: g.userId }),
    );
    expect(detail.body.securityQuestions).toMatchObject({
      failedAttempts: 5,
      locked: true,
      identityCheckLocked: false,
      onlineUnlockLockedUntil: expect.any(String),
    });
    expect(
      (await g.operator.delete(pathTo(routes.securityQuestions.clearLockout, { id: g.userId }))).status,
    ).toBe(403);
    expect(
      (
        await g.admin.delete(
          `${pathTo(routes.securityQuestions.clearLockout, { id: g.userId })}?ticket=INC-9`,
        )
      ).status,
    ).toBe(204);
    const audit = await g.admin.get<{ items: { action: string; ticket: string | null }[] }>(
      `${pathTo(routes.audit.list)}?userId=${g.userId}&action=identity.lockout_cleared`,
    );
    expect(audit.body.items[0]).toMatchObject({ ticket: 'INC-9' });
    const again = await startOnlineUnlock(server.api, g.serial);
    expect(again.status).toBe(201);
    expect(again.body.answerAttemptsRemaining).toBe(5);
  });

  it('never grants more wrong answers than the limit under concurrent attempts', async () => {
    const g = await createSecurityFixture(server.api);
    const sessions = await Promise.all(
      Array.from({ length: 10 }, () => startOnlineUnlock(server.api, g.serial)),
    );
    const results = await Promise.all(
      sessions.map((s) =>
        server.api.post(pathTo(routes.onlineUnlock.response, { id: s.body.id }), {
          answers: s.body.questions.map((q) => ({ questionId: q.id, answer: 'a wrong guess' })),
          challenge: CHALLENGE,
        }),
      ),
    );
    expect(results.filter((r) => r.status === 401)).toHaveLength(5);
    expect(results.filter((r) => r.status === 423)).toHaveLength(5);
    const detail = await g.admin.get<{ securityQuestions: unknown }>(
      pathTo(routes.users.get, { id: g.userId }),
    );
    // Counted in online unlock's own lockout, never the help desk's.
    expect(detail.body.securityQuestions).toMatchObject({ failedAttempts: 5, identityCheckLocked: false });
  });

  it('refuses every card-dependent start with one status and code, listing the reasons', async () => {
    const unknown = await startOnlineUnlock(server.api, 'NO-SUCH-CARD');
    const offlineOnly = await createSecurityFixture(server.api, {
      useCases: { operatorOfflineUnblock: true },
    });
    const disabled = await startOnlineUnlock(server.api, offlineOnly.serial);
    const noAnswers = await createSecurityFixture(server.api, {}, { setAnswers: false });
    const unset = await startOnlineUnlock(server.api, noAnswers.serial);
    await f.admin.patch(pathTo(routes.users.update, { id: f.userId }), { state: 'suspended' });
    const suspended = await startOnlineUnlock(server.api, f.serial);
    await f.admin.patch(pathTo(routes.users.update, { id: f.userId }), { state: 'active' });
    for (const refused of [unknown, disabled, unset, suspended]) {
      expect(refused.status).toBe(403);
      expect(refused.body).toEqual(unknown.body);
    }
    expect(unknown.body).toMatchObject({
      error: {
        code: 'online_unlock.unavailable',
        message: expect.stringMatching(/not registered.*not enabled.*suspended.*security answers.*help desk/),
      },
    });
    const audit = await f.admin.get<{ items: { details: { reason: string } }[] }>(
      `${pathTo(routes.audit.list)}?action=online_unlock.refused&limit=10`,
    );
    expect(audit.body.items.map((e) => e.details.reason)).toEqual(
      expect.arrayContaining([
        'card.not_found',
        'offline_unblock.use_case_disabled',
        'identity.answers_not_set',
        'user.not_active',
      ]),
    );
    expect(audit.text).not.toContain('NO-SUCH-CARD');
    const bad = await startOnlineUnlock(server.api, f.serial);
    const badChallenge = await server.api.post(pathTo(routes.onlineUnlock.response, { id: bad.body.id }), {
      answers: answersFor(f, bad.body.questions),
      challenge: '0557 897F',
    });
    expect(badChallenge.body).toMatchObject({ error: { code: 'challenge.bad_length' } });
    expect(
      (
        await server.api.post(
          pathTo(routes.onlineUnlock.outcome, { id: '00000000-0000-4000-8000-000000000000' }),
          {
            result: 'unblocked',
          },
        )
      ).status,
    ).toBe(404);
  });

  it('never issues the last admin-key attempt', async () => {
    const card = await registerCard(f.admin, { username: f.username, profile: f.profileName });
    for (const expected of [200, 200]) {
      const session = await startOnlineUnlock(server.api, card.serial);
      const issued = await server.api.post(pathTo(routes.onlineUnlock.response, { id: session.body.id }), {
        answers: answersFor(f, session.body.questions),
        challenge: CHALLENGE,
      });
      expect(issued.status).toBe(expected);
    }
    const last = await startOnlineUnlock(server.api, card.serial);
    expect(last.status).toBe(403);
    expect(last.body).toMatchObject({ error: { code: 'online_unlock.unavailable' } });
  });

  it('keeps answers out of the database in clear, and out of the audit', async () => {
    const audit = await f.admin.get(`${pathTo(routes.audit.list)}?userId=${f.userId}`);
    for (const answer of f.answers.values())
      expect(audit.text.toLowerCase()).not.toContain(answer.toLowerCase().slice(0, 6));
  });
});

forEachDatabase('online unlock rate limits', (kind) => {
  let server: TestServer;
  let f: SecurityFixture;
  useServerWith(kind, createSecurityFixture, (started) => ({ server, f } = started), {
    config: {
      trustProxy: '127.0.0.1',
      onlineUnlockLimits: { perAddress: 3, perCard: 100, windowMinutes: 10 },
    },
  });

  it('limits each client address, as forwarded by a trusted proxy, without locking out another', async () => {
    const from = (address: string) =>
      server.api.request(
        'POST',
        pathTo(routes.onlineUnlock.start),
        { cardSerial: f.serial },
        { 'x-forwarded-for': address },
      );
    for (let i = 0; i < 3; i++) expect((await from('10.1.1.1')).status).toBe(201);
    const limited = await from('10.1.1.1');
    expect(limited.status).toBe(429);
    expect(limited.body).toMatchObject({ error: { code: 'online_unlock.rate_limited' } });
    expect((await from('10.2.2.2')).status).toBe(201);
  });
});

describeWith(
  ['postgresql'],
  'online unlock lockout over two server instances on one PostgreSQL database',
  () => {
    let first: TestServer;
    let second: TestServer;
    let f: SecurityFixture;
    useTwoInstancesWith(createSecurityFixture, (started) => ({ first, second, f } = started));

    it('wrong answers sent to both instances at once lock at the limit', async () => {
      const sessions = await Promise.all(
        Array.from({ length: 8 }, (_, i) => startOnlineUnlock((i % 2 ? second : first).api, f.serial)),
      );
      const results = await Promise.all(
        sessions.map((s, i) =>
          (i % 2 ? first : second).api.post(pathTo(routes.onlineUnlock.response, { id: s.body.id }), {
            answers: s.body.questions.map((q) => ({ questionId: q.id, answer: 'not it at all' })),
            challenge: CHALLENGE,
          }),
        ),
      );
      expect(results.filter((r) => r.status === 401)).toHaveLength(5);
      expect(results.filter((r) => r.status === 423)).toHaveLength(3);
    });
  },
);
