import { expect, it } from 'vitest';
import { describeWith } from '@cardwarden/integration-tests/system-parts';
import type { ApiClient } from '@cardwarden/integration-tests/api-client';
import {
  createFixture,
  registerCard,
  type Fixture,
  useServerWithFixture,
  useTwoInstancesWith,
} from '@cardwarden/integration-tests/fixtures';
import { forEachDatabase, ADMIN, type TestServer } from '@cardwarden/integration-tests/test-server';
import { issueSessionResponse, readSessionWithCard } from '../src/repositories/offline-unblock.repository.js';
import { OFFLINE_UNBLOCK_SETTING } from '../src/services/settings.service.js';
import { challengeDigest } from '../src/services/admin-key-response.js';
import { api, pathTo } from '@cardwarden/contract';

const CHALLENGE = '0557897F8D84407B';

/** Starts `count` approved sessions on `cardId`, so that approval is not what limits them. */
async function approvedSessions(
  f: Fixture,
  starters: ApiClient[],
  cardId: string,
  count: number,
): Promise<{ id: string; by: ApiClient }[]> {
  const sessions: { id: string; by: ApiClient }[] = [];
  for (let i = 0; i < count; i++) {
    const by = starters[i % starters.length] ?? f.operator;
    const started = await by.post<{ id: string }>(pathTo(api.offlineUnblocks.start, { id: cardId }), {});
    expect(started.status).toBe(201);
    expect(
      (await f.supervisor.post(pathTo(api.offlineUnblocks.approve, { id: started.body.id }), {})).status,
    ).toBe(200);
    sessions.push({ id: started.body.id, by });
  }
  return sessions;
}

function countStatuses(responses: { status: number }[]): Record<number, number> {
  const counts: Record<number, number> = {};
  for (const { status } of responses) counts[status] = (counts[status] ?? 0) + 1;
  return counts;
}

forEachDatabase('admin-key budget under concurrency', (kind) => {
  let f: Fixture;
  useServerWithFixture(kind, (started) => ({ f } = started));

  it('10 concurrent responses in one session never issue more than the budget', async () => {
    const card = await registerCard(f.admin, { username: f.username, profile: f.profileName });
    const [session] = await approvedSessions(f, [f.operator], card.id, 1);
    const responses = await Promise.all(
      Array.from({ length: 10 }, () =>
        f.operator.post(pathTo(api.offlineUnblocks.response, { id: session?.id ?? '' }), {
          challenge: CHALLENGE,
        }),
      ),
    );
    // The approval covers one response (the first): the last attempt then needs a new one.
    expect(countStatuses(responses)[200]).toBe(2);
    const detail = await f.operator.get<{ adminKey: { attemptsRemaining: number } }>(
      pathTo(api.cards.get, { id: card.id }),
    );
    expect(detail.body.adminKey.attemptsRemaining).toBe(1);
  });

  it('10 concurrent responses over 10 sessions never issue more than the budget', async () => {
    const card = await registerCard(f.admin, { username: f.username, profile: f.profileName });
    const sessions = await approvedSessions(f, [f.operator], card.id, 10);
    const responses = await Promise.all(
      sessions.map(({ id, by }) =>
        by.post(pathTo(api.offlineUnblocks.response, { id }), { challenge: CHALLENGE }),
      ),
    );
    expect(countStatuses(responses)[200]).toBe(3);
  });
});

describeWith(['postgresql'], 'admin-key budget over two server instances on one PostgreSQL database', () => {
  let first: TestServer;
  let second: TestServer;
  let f: Fixture;
  useTwoInstancesWith(createFixture, (started) => ({ first, second, f } = started));

  it('a token from one instance works on the other', async () => {
    const other = second.api.as(f.operator.token ?? '');
    expect((await other.get(pathTo(api.users.get, { id: f.userId }))).status).toBe(200);
  });

  it('10 concurrent responses spread over both instances never issue more than the budget', async () => {
    const card = await registerCard(f.admin, { username: f.username, profile: f.profileName });
    const sessions = await approvedSessions(f, [f.operator], card.id, 10);
    const responses = await Promise.all(
      sessions.map(({ id }, i) => {
        const via = (i % 2 === 0 ? first : second).api.as(f.operator.token ?? '');
        return via.post(pathTo(api.offlineUnblocks.response, { id }), { challenge: CHALLENGE });
      }),
    );
    expect(countStatuses(responses)[200]).toBe(3);
    const views = await Promise.all(
      [first, second].map((s) =>
        s.api
          .as(f.operator.token ?? '')
          .get<{ adminKey: { attemptsRemaining: number } }>(pathTo(api.cards.get, { id: card.id })),
      ),
    );
    expect(views.map((v) => v.body.adminKey.attemptsRemaining)).toEqual([0, 0]);
  });

  it('a card registered through one instance answers through the other', async () => {
    const card = await registerCard(f.admin, { username: f.username, profile: f.profileName });
    const operator = await second.api.login(ADMIN.username, ADMIN.password);
    const session = await operator.post<{ id: string }>(
      pathTo(api.offlineUnblocks.start, { id: card.id }),
      {},
    );
    const issued = await operator.post<{ response: string }>(
      pathTo(api.offlineUnblocks.response, { id: session.body.id }),
      { challenge: CHALLENGE },
    );
    expect(issued.body.response).toBe('7716F4B2D7214EB2');
  });
});

forEachDatabase('optimistic response: the write counts only rows still as read', (kind) => {
  let server: TestServer;
  let f: Fixture;
  useServerWithFixture(kind, (started) => ({ server, f } = started));

  /** The count of a response of `sessionId` by the fixture's operator, with the versions of `read`. */
  function countWith(read: Awaited<ReturnType<typeof readSessionWithCard>>, sessionId: string) {
    if (!read) throw new Error('the session was not found');
    return issueSessionResponse(server.server.ctx.db, {
      cardId: read.card.id,
      sessionId,
      attemptLimit: read.card.profile.adminKeyAttemptLimit,
      lastAttempt: false,
      mayExceedBudget: false,
      recordApproved: false,
      consumeApproval: false,
      actor: f.operatorName,
      actorType: 'operator',
      userId: read.card.user.id,
      ticket: null,
      // What the service records for a response, so the row is one the audit vocabulary accepts.
      details: { serial: read.card.serial, challengeDigest: challengeDigest(CHALLENGE) },
      detailsBeyondBudget: {},
      versions: read.versions,
    });
  }

  async function attemptsRemaining(cardId: string): Promise<number> {
    const detail = await f.operator.get<{ adminKey: { attemptsRemaining: number } }>(
      pathTo(api.cards.get, { id: cardId }),
    );
    return detail.body.adminKey.attemptsRemaining;
  }

  it('a response counted elsewhere after the read (the key changed): nothing is written', async () => {
    const card = await registerCard(f.admin, { username: f.username, profile: f.profileName });
    const started = await f.operator.post<{ id: string }>(
      pathTo(api.offlineUnblocks.start, { id: card.id }),
      {},
    );
    const other = await f.operator.post<{ id: string }>(
      pathTo(api.offlineUnblocks.start, { id: card.id }),
      {},
    );
    const read = await readSessionWithCard(server.server.ctx.db, started.body.id, OFFLINE_UNBLOCK_SETTING);
    const before = await attemptsRemaining(card.id);
    const elsewhere = await f.operator.post(pathTo(api.offlineUnblocks.response, { id: other.body.id }), {
      challenge: CHALLENGE,
    });
    expect(elsewhere.status).toBe(200);
    const counted = await countWith(read, started.body.id);
    expect(counted.attemptsUsed).toBeUndefined();
    expect(await attemptsRemaining(card.id)).toBe(before - 1);
    const session = await f.operator.get<{ responsesIssued: number }>(
      pathTo(api.offlineUnblocks.get, { id: started.body.id }),
    );
    expect(session.body.responsesIssued).toBe(0);
    // Read again, it counts.
    const fresh = await readSessionWithCard(server.server.ctx.db, started.body.id, OFFLINE_UNBLOCK_SETTING);
    expect((await countWith(fresh, started.body.id)).attemptsUsed).toBe(2);
    expect(await attemptsRemaining(card.id)).toBe(before - 2);
  });

  it('the session changed after the read (cancelled): nothing is written', async () => {
    const card = await registerCard(f.admin, { username: f.username, profile: f.profileName });
    const started = await f.operator.post<{ id: string }>(
      pathTo(api.offlineUnblocks.start, { id: card.id }),
      {},
    );
    const read = await readSessionWithCard(server.server.ctx.db, started.body.id, OFFLINE_UNBLOCK_SETTING);
    const before = await attemptsRemaining(card.id);
    expect(
      (await f.operator.post(pathTo(api.offlineUnblocks.cancel, { id: started.body.id }), {})).status,
    ).toBe(200);
    const counted = await countWith(read, started.body.id);
    expect(counted.attemptsUsed).toBeUndefined();
    expect(await attemptsRemaining(card.id)).toBe(before);
  });

  it('through the API, a response after a cancel is refused by the locked path with its reason', async () => {
    const card = await registerCard(f.admin, { username: f.username, profile: f.profileName });
    const started = await f.operator.post<{ id: string }>(
      pathTo(api.offlineUnblocks.start, { id: card.id }),
      {},
    );
    expect(
      (await f.operator.post(pathTo(api.offlineUnblocks.cancel, { id: started.body.id }), {})).status,
    ).toBe(200);
    const refused = await f.operator.post<{ error: { code: string } }>(
      pathTo(api.offlineUnblocks.response, { id: started.body.id }),
      { challenge: CHALLENGE },
    );
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('offline_unblock.closed');
  });
});
