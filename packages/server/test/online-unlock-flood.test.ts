/**
 * Online unlock under a flood (issue 11): a refusal the rate limits gave already is repeated from memory
 * before the request waits or works, and such a repeat costs the address nothing; an unknown serial is
 * refused, audited, in the one-statement start; starts arriving together are checked and audited in
 * shared statements, each counted and answered as it would be alone.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createSecurityFixture, type SecurityFixture } from '@cardwarden/integration-tests/security-fixture';
import { forEachDatabase, startTestServer, type TestServer } from '@cardwarden/integration-tests/test-server';
import { api, pathTo } from '@cardwarden/contract';

const CHALLENGE = '0557 897F 8D84 407B';

forEachDatabase('online unlock: refusals remembered before any work', (kind) => {
  let server: TestServer;
  let f: SecurityFixture;
  beforeAll(async () => {
    server = await startTestServer(kind, {
      config: { onlineUnlockLimits: { perAddress: 6, perCard: 1, windowMinutes: 10 } },
    });
    f = await createSecurityFixture(server.api);
  });
  afterAll(async () => {
    await server.close();
  });

  it("repeats a card's refusal for its session from memory, without counting the address", async () => {
    // Address hits: the start (1), the first answers (2), the second, refused by the card's limit (3).
    const session = await server.api.post<{ id: string; questions: { id: string }[] }>(
      pathTo(api.onlineUnlock.start),
      { cardSerial: f.serial },
    );
    expect(session.status).toBe(201);
    const answer = () =>
      server.api.post(pathTo(api.onlineUnlock.response, { id: session.body.id }), {
        answers: session.body.questions.map((q) => ({ questionId: q.id, answer: 'a wrong guess' })),
        challenge: CHALLENGE,
      });
    expect((await answer()).status).toBe(401);
    const limited = await answer();
    expect(limited.status).toBe(429);
    expect(limited.body).toMatchObject({
      error: { code: 'online_unlock.rate_limited', message: expect.stringMatching(/too many/) },
    });
    // Ten more are refused the same way, from memory: none counts against the address (6 a window).
    for (let i = 0; i < 10; i++) {
      const again = await answer();
      expect(again.status).toBe(429);
      expect(Number(again.headers.get('retry-after'))).toBeGreaterThan(60);
    }
    // So the address still has budget: an unknown serial is refused as unavailable (not rate-limited)…
    const unknown = await server.api.post(pathTo(api.onlineUnlock.start), { cardSerial: 'NO-SUCH-CARD' });
    expect(unknown.status).toBe(403);
    expect(unknown.body).toMatchObject({ error: { code: 'online_unlock.unavailable' } });
    // …and audited as such by the one-statement start.
    const audit = await f.admin.get<{ items: { details: { reason: string } }[] }>(
      `${pathTo(api.audit.list)}?action=online_unlock.refused&limit=5`,
    );
    expect(audit.body.items.map((e) => e.details.reason)).toContain('card.not_found');
    // Until the address's budget is spent: hits 4, 5, 6 pass, the 7th is refused.
    expect((await server.api.post(pathTo(api.onlineUnlock.start), { cardSerial: 'NO-CARD-2' })).status).toBe(
      403,
    );
    expect((await server.api.post(pathTo(api.onlineUnlock.start), { cardSerial: 'NO-CARD-3' })).status).toBe(
      403,
    );
    const spent = await server.api.post(pathTo(api.onlineUnlock.start), { cardSerial: 'NO-CARD-4' });
    expect(spent.status).toBe(429);
    expect(spent.body).toMatchObject({ error: { code: 'online_unlock.rate_limited' } });
  });
});

forEachDatabase('online unlock: starts that arrive together', (kind) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(kind, {
      config: { onlineUnlockLimits: { perAddress: 8, perCard: 5, windowMinutes: 10 } },
    });
  });
  afterAll(async () => {
    await server.close();
  });

  it("counts each start on its address's budget exactly, and answers and audits each by its own card", async () => {
    const available = await createSecurityFixture(server.api);
    const offlineOnly = await createSecurityFixture(server.api, {
      useCases: { operatorOfflineUnblock: true },
    });
    const refusedBefore = await available.admin.get<{ total: number }>(
      `${pathTo(api.audit.list)}?action=online_unlock.refused&limit=1`,
    );
    // Twelve at once from one address (8 a window): three of a card that offers online unlock (in any
    // case), three of a card whose profile does not, six unknown serials.
    const serials = [
      available.serial,
      available.serial.toLowerCase(),
      available.serial,
      ...[1, 2, 3].map(() => offlineOnly.serial),
      ...[1, 2, 3, 4, 5, 6].map((n) => `NO-SUCH-CARD-${n}`),
    ];
    const answers = await Promise.all(
      serials.map((cardSerial) => server.api.post(pathTo(api.onlineUnlock.start), { cardSerial })),
    );
    const limited = answers.filter((answer) => answer.status === 429);
    expect(limited).toHaveLength(4);
    for (const answer of limited)
      expect(answer.body).toMatchObject({ error: { code: 'online_unlock.rate_limited' } });
    let refused = 0;
    answers.forEach((answer, index) => {
      if (answer.status === 429) return;
      const serial = serials[index] as string;
      if (serial.toUpperCase() === available.serial.toUpperCase()) {
        expect(answer.status).toBe(201);
      } else {
        expect(answer.status).toBe(403);
        expect(answer.body).toMatchObject({ error: { code: 'online_unlock.unavailable' } });
        refused++;
      }
    });
    // Every refusal answered 403 was audited before its answer, with its own reason.
    const refusedAfter = await available.admin.get<{
      total: number;
      items: { details: { reason: string } }[];
    }>(`${pathTo(api.audit.list)}?action=online_unlock.refused&limit=20`);
    expect(refusedAfter.body.total - refusedBefore.body.total).toBe(refused);
    const reasons = refusedAfter.body.items.slice(0, refused).map((event) => event.details.reason);
    expect(new Set(reasons)).toEqual(
      new Set(
        answers.flatMap((answer, index) =>
          answer.status !== 403
            ? []
            : [
                (serials[index] as string).startsWith('NO-SUCH')
                  ? 'card.not_found'
                  : 'offline_unblock.use_case_disabled',
              ],
        ),
      ),
    );
    // The window holds twelve hits: the next start is refused too.
    const next = await server.api.post(pathTo(api.onlineUnlock.start), { cardSerial: available.serial });
    expect(next.status).toBe(429);
  });
});
