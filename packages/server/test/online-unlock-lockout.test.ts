/** Online unlock cannot be used against a cardholder: malformed input, lockouts, re-rolls, addresses. */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { users } from '../src/db/schema.js';
import {
  answersFor,
  createSecurityFixture,
  type SecurityFixture,
} from '@cardwarden/integration-tests/security-fixture';
import { recipients, startSmtpSink, type SmtpSink } from './support/smtp-sink.js';
import { forEachDatabase, startTestServer, type TestServer } from '@cardwarden/integration-tests/test-server';
import type { ApiClient } from '@cardwarden/integration-tests/api-client';
import { api as routes, pathTo } from '@cardwarden/contract';

type Session = { id: string; questions: { id: string; text: string }[]; answerAttemptsRemaining: number };
const startSession = (api: ApiClient, serial: string, headers: Record<string, string> = {}) =>
  api.request<Session>('POST', pathTo(routes.onlineUnlock.start), { cardSerial: serial }, headers);
const respond = (api: ApiClient, id: string, answers: unknown, challenge = '0557897F8D84407B') =>
  api.post(pathTo(routes.onlineUnlock.response, { id }), { answers, challenge });

forEachDatabase('online unlock against an attacker', (kind) => {
  let server: TestServer;
  let smtp: SmtpSink;
  let f: SecurityFixture;
  beforeAll(async () => {
    smtp = await startSmtpSink();
    server = await startTestServer(kind, {
      config: {
        trustProxy: 1,
        smtp: {
          url: smtp.url,
          from: 'Cardwarden <cw@example.org>',
          caFile: undefined,
          securityMailbox: undefined,
        },
      },
    });
    f = await createSecurityFixture(server.api, {
      securityQuestions: { required: 3, asked: 2, maxFailedAttempts: 3, validateInOfflineUnblock: true },
    });
  });
  afterAll(async () => {
    await server.close();
    await smtp.close();
  });

  it('refuses a malformed challenge as input before anything is counted, and audits it', async () => {
    for (let i = 0; i < 12; i++) {
      const session = await startSession(server.api, f.serial);
      expect(session.status).toBe(201);
      const refused = await respond(server.api, session.body.id, answersFor(f, session.body.questions), 'zz');
      expect(refused.status).toBe(422);
      expect(refused.body).toMatchObject({ error: { code: expect.stringMatching(/^challenge\./) } });
    }
    const after = await startSession(server.api, f.serial);
    expect(after.status).toBe(201);
    expect(after.body.answerAttemptsRemaining).toBe(3);
    const issued = await respond(server.api, after.body.id, answersFor(f, after.body.questions));
    expect(issued.status).toBe(200);
    const audit = await f.admin.get<{ items: unknown[] }>(
      `${pathTo(routes.audit.list)}?cardId=${f.cardId}&action=online_unlock.challenge_refused&limit=50`,
    );
    expect(audit.body.items).toHaveLength(12);
  });

  it('asks the same questions until they are answered right: no re-rolling sessions', async () => {
    const g = await createSecurityFixture(server.api);
    const first = await startSession(server.api, g.serial);
    const asked = first.body.questions.map((q) => q.id);
    for (let i = 0; i < 8; i++) {
      const again = await startSession(server.api, g.serial);
      expect(again.body.questions.map((q) => q.id)).toEqual(asked);
    }
    const wrong = await respond(
      server.api,
      first.body.id,
      asked.map((id) => ({ questionId: id, answer: 'no' })),
    );
    expect(wrong.status).toBe(401);
    expect((await startSession(server.api, g.serial)).body.questions.map((q) => q.id)).toEqual(asked);
  });

  it('locks online unlock only, for a growing time, emails once, and the help desk can still verify', async () => {
    const g = await createSecurityFixture(server.api, {
      securityQuestions: { required: 3, asked: 2, maxFailedAttempts: 3, validateInOfflineUnblock: true },
    });
    const lockOut = async () => {
      for (let i = 0; i < 3; i++) {
        const session = await startSession(server.api, g.serial);
        const wrong = await respond(
          server.api,
          session.body.id,
          session.body.questions.map((q) => ({ questionId: q.id, answer: 'a guess' })),
        );
        expect(wrong.status).toBe(401);
      }
      return startSession(server.api, g.serial);
    };
    const locked = await lockOut();
    expect(locked.status).toBe(423);
    expect(locked.body).toMatchObject({
      error: { code: 'identity.locked', message: expect.stringMatching(/15 minutes more/) },
      retryAfter: 900,
    });
    expect(locked.headers.get('retry-after')).toBe('900');
    const mail = await smtp.waitFor(
      (m) => recipients(m).includes(`${g.username}@example.org`) && /locked/.test(m.subject ?? ''),
    );
    expect(mail.text).toContain(g.serial);

    // The help desk's identity check is not locked: right answers pass.
    const desk = await g.operator.post<{ id: string; identity: { questions: { id: string }[] } }>(
      pathTo(routes.offlineUnblocks.start, { id: g.cardId }),
      {},
    );
    expect(desk.status).toBe(201);
    const verified = await g.operator.post(pathTo(routes.offlineUnblocks.identity, { id: desk.body.id }), {
      answers: answersFor(g, desk.body.identity.questions),
    });
    expect(verified.status).toBe(200);

    // The lock ends by itself (here: made to have ended); the next one lasts twice as long.
    await server.server.ctx.db
      .update(users)
      .set({ onlineLockedUntil: sql`now() - interval '1 second'` })
      .where(sql`${users.id} = ${g.userId}`);
    const reopened = await startSession(server.api, g.serial);
    expect(reopened.status).toBe(201);
    expect(reopened.body.answerAttemptsRemaining).toBe(3);
    const relocked = await lockOut();
    expect(relocked.status).toBe(423);
    expect(relocked.body).toMatchObject({ retryAfter: 1800 });
    // One email, at the first lock.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(
      smtp.messages.filter(
        (m) => recipients(m).includes(`${g.username}@example.org`) && /locked/.test(m.subject ?? ''),
      ),
    ).toHaveLength(1);
  });

  it('keys the per-address limit by the IPv6 /64 and believes only the configured proxy hops', async () => {
    const limited = await startTestServer(kind, {
      config: { trustProxy: 1, onlineUnlockLimits: { perAddress: 2, perCard: 100, windowMinutes: 10 } },
    });
    try {
      const h = await createSecurityFixture(limited.api);
      const from = (forwarded: string) =>
        startSession(limited.api, h.serial, { 'x-forwarded-for': forwarded }).then((r) => r.status);
      expect(await from('2001:db8:7:7::1')).toBe(201);
      expect(await from('2001:db8:7:7:ffff::2')).toBe(201);
      // Same /64, another interface id: the same client.
      expect(await from('2001:db8:7:7:1234:5678:9abc:def0')).toBe(429);
      expect(await from('2001:db8:7:8::1')).toBe(201);
      // A spoofed leftmost address is not believed: one hop is the proxy's, the client is the last one.
      expect(await from('198.51.100.1, 2001:db8:7:7::9')).toBe(429);
    } finally {
      await limited.close();
    }
  });
});
