/**
 * Online unlock under a flood (issue 11): a refusal the rate limits gave already is repeated from memory
 * before the request waits or works, and such a repeat costs the address nothing; an unknown serial is
 * refused, audited, in the one-statement start.
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
