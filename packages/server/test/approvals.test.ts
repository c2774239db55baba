import { sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { registerCard, type Fixture, useServerWithFixture } from '@cardwarden/integration-tests/fixtures';
import { forEachDatabase, type TestServer } from '@cardwarden/integration-tests/test-server';
import { api, pathTo } from '@cardwarden/contract';

type Waiting = {
  id: string;
  cardId: string;
  cardSerial: string;
  userId: string;
  username: string;
  userDisplayName: string;
  operator: string;
  waitingSince: string | null;
};
const CHALLENGE = '0557897F8D84407B';

forEachDatabase('approvals: what waits for a supervisor now', (kind) => {
  let server: TestServer;
  let f: Fixture;
  useServerWithFixture(kind, (started) => ({ server, f } = started));

  const waiting = async () =>
    (
      await f.supervisor.get<{ items: Waiting[] }>(
        `${pathTo(api.offlineUnblocks.list)}?awaitingApproval=true`,
      )
    ).body.items;

  async function startOn(cardId: string): Promise<string> {
    const session = await f.operator.post<{ id: string }>(
      pathTo(api.offlineUnblocks.start, { id: cardId }),
      {},
    );
    expect(session.status).toBe(201);
    return session.body.id;
  }

  it('lists per card only the newest open session whose next response needs approval', async () => {
    const card = await registerCard(f.admin, { username: f.username, profile: f.profileName });
    const older = await startOn(card.id);
    expect((await waiting()).some((s) => s.cardId === card.id)).toBe(false);
    for (let i = 0; i < 2; i++) {
      await f.operator.post(pathTo(api.offlineUnblocks.response, { id: older }), { challenge: CHALLENGE });
    }
    const before = Date.now();
    const newer = await startOn(card.id);
    const listed = (await waiting()).filter((s) => s.cardId === card.id);
    expect(listed.map((s) => s.id)).toEqual([newer]);
    expect(listed[0]).toMatchObject({
      cardSerial: card.serial,
      userId: f.userId,
      username: f.username,
      userDisplayName: `Test ${f.username}`,
      operator: f.operatorName,
    });
    const since = Date.parse(listed[0]?.waitingSince ?? '');
    expect(since).toBeGreaterThanOrEqual(before - 1000);
    expect(since).toBeLessThanOrEqual(Date.now() + 1000);

    // Approved: it waits no more.
    expect((await f.supervisor.post(pathTo(api.offlineUnblocks.approve, { id: newer }), {})).status).toBe(
      200,
    );
    expect((await waiting()).some((s) => s.cardId === card.id)).toBe(false);
    const approved = await f.operator.get<Waiting>(pathTo(api.offlineUnblocks.get, { id: newer }));
    expect(approved.body.waitingSince).toBeNull();
  });

  it('leaves out expired and closed sessions', async () => {
    const card = await registerCard(f.admin, { username: f.username, profile: f.profileName });
    const session = await startOn(card.id);
    for (let i = 0; i < 2; i++) {
      await f.operator.post(pathTo(api.offlineUnblocks.response, { id: session }), { challenge: CHALLENGE });
    }
    expect((await waiting()).map((s) => s.id)).toContain(session);
    await server.server.ctx.db.execute(
      sql`update offline_unblocks set expires_at = now() - interval '1 minute' where id = ${session}`,
    );
    expect((await waiting()).map((s) => s.id)).not.toContain(session);

    const cancelled = await startOn(card.id);
    expect((await waiting()).map((s) => s.id)).toContain(cancelled);
    await f.operator.post(pathTo(api.offlineUnblocks.cancel, { id: cancelled }));
    expect((await waiting()).some((s) => s.cardId === card.id)).toBe(false);
  });
});
