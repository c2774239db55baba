/**
 * A budget that cannot be talked into more: whatever outcomes are reported, at most the card's attempt
 * limit of responses in 24 hours without a supervisor's approval, for every channel; an approval covers
 * one response; only a proven unblock (GIDS mutual authentication) starts a new budget.
 */
import { describe, expect, it } from 'vitest';
import { describeWith } from '@cardwarden/integration-tests/system-parts';
import { fromHex } from '@cardwarden/protocol/hex';
import { gidsCardCryptogram } from '@cardwarden/protocol/crypto';
import {
  registerCard,
  TPM_DEFAULT_KEY,
  useServerWith,
  useTwoInstancesWith,
} from '@cardwarden/integration-tests/fixtures';
import {
  answersFor,
  createSecurityFixture,
  type SecurityFixture,
} from '@cardwarden/integration-tests/security-fixture';
import { ADMIN, forEachDatabase, type TestServer } from '@cardwarden/integration-tests/test-server';
import { confirmMutualAuth, startOnlineUnlock, toMutualAuth } from './support/online-unlock.js';
import type { ApiClient } from '@cardwarden/integration-tests/api-client';
import { api as routes, pathTo } from '@cardwarden/contract';

const CHALLENGE = '0557897F8D84407B';

/** One help-desk cycle: start, response, outcome "unblocked". Returns the response's status. */
async function deskCycle(
  operator: ApiClient,
  cardId: string,
): Promise<{ status: number; body: unknown; id: string }> {
  const session = await operator.post<{ id: string }>(
    pathTo(routes.offlineUnblocks.start, { id: cardId }),
    {},
  );
  if (session.status !== 201) throw new Error(`start: ${session.status} ${session.text}`);
  const issued = await operator.post(pathTo(routes.offlineUnblocks.response, { id: session.body.id }), {
    challenge: CHALLENGE,
  });
  if (issued.status === 200) {
    await operator.post(pathTo(routes.offlineUnblocks.outcome, { id: session.body.id }), {
      result: 'unblocked',
    });
  }
  return { status: issued.status, body: issued.body, id: session.body.id };
}

async function onlineCycle(api: ApiClient, f: SecurityFixture, serial: string) {
  const session = await startOnlineUnlock(api, serial);
  if (session.status !== 201) return { status: session.status, body: session.body };
  const issued = await api.post(pathTo(routes.onlineUnlock.response, { id: session.body.id }), {
    answers: answersFor(f, session.body.questions),
    challenge: CHALLENGE,
  });
  if (issued.status === 200) {
    await api.post(pathTo(routes.onlineUnlock.outcome, { id: session.body.id }), { result: 'unblocked' });
  }
  return { status: issued.status, body: issued.body };
}

forEachDatabase('24 h response budget', (kind) => {
  let server: TestServer;
  let f: SecurityFixture;
  useServerWith(kind, createSecurityFixture, (started) => ({ server, f } = started));

  it('help desk: three reported unblocks, then a supervisor approves each further response', async () => {
    const card = await registerCard(f.admin, { username: f.username, profile: f.profileName });
    for (let i = 0; i < 3; i++) expect((await deskCycle(f.operator, card.id)).status).toBe(200);
    const fourth = await deskCycle(f.operator, card.id);
    expect(fourth.status).toBe(403);
    expect(fourth.body).toMatchObject({
      error: { code: 'offline_unblock.approval_required', message: expect.stringMatching(/24 hours/) },
    });
    const view = await f.operator.get<{ approval: { requiredForNextResponse: boolean } }>(
      pathTo(routes.offlineUnblocks.get, { id: fourth.id }),
    );
    expect(view.body.approval.requiredForNextResponse).toBe(true);
    expect(
      (await f.supervisor.post(pathTo(routes.offlineUnblocks.approve, { id: fourth.id }), {})).status,
    ).toBe(200);
    const approved = await f.operator.post(pathTo(routes.offlineUnblocks.response, { id: fourth.id }), {
      challenge: CHALLENGE,
    });
    expect(approved.status).toBe(200);
    // The approval covered that response only, not a later one in the same session.
    const again = await f.operator.post(pathTo(routes.offlineUnblocks.response, { id: fourth.id }), {
      challenge: CHALLENGE,
    });
    expect(again.status).toBe(403);
    expect(again.body).toMatchObject({ error: { code: 'offline_unblock.approval_required' } });
  });

  it('online unlock and self-service alike: at most three responses whatever is reported', async () => {
    const card = await registerCard(f.admin, { username: f.username, profile: f.profileName });
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await onlineCycle(server.api, f, card.serial)).status);
    const fourth = await onlineCycle(server.api, f, card.serial);
    expect(statuses).toEqual([200, 200, 200]);
    expect(fourth.status).toBe(403);
    expect(fourth.body).toMatchObject({ error: { code: 'offline_unblock.approval_required' } });
    const refusals = await f.admin.get<{ items: { details: { reason: string } }[] }>(
      `${pathTo(routes.audit.list)}?cardId=${card.id}&action=online_unlock.response_refused`,
    );
    expect(refusals.body.items.map((e) => e.details.reason)).toEqual(['offline_unblock.approval_required']);
    const self = await f.cardholder.post(pathTo(routes.selfService.offlineUnblock, { id: card.id }), {
      challenge: CHALLENGE,
    });
    expect(self.status).toBe(403);
    expect(self.body).toMatchObject({ error: { code: 'offline_unblock.approval_required' } });
    expect((await deskCycle(f.operator, card.id)).status).toBe(403);
  });

  it('a card that proves its unblock starts a new budget', async () => {
    const card = await registerCard(f.admin, { username: f.username, profile: f.profileName });
    for (let i = 0; i < 2; i++) expect((await onlineCycle(server.api, f, card.serial)).status).toBe(200);
    const { session, r1, r2, issued } = await toMutualAuth(server.api, f, card.serial);
    expect(issued.status).toBe(200);
    const key = fromHex(TPM_DEFAULT_KEY);
    const confirm = await confirmMutualAuth(
      server.api,
      session.id,
      gidsCardCryptogram('3des', key, { r1, r2 }),
    );
    expect(confirm.status).toBe(200);
    for (let i = 0; i < 3; i++) expect((await deskCycle(f.operator, card.id)).status).toBe(200);
    expect((await deskCycle(f.operator, card.id)).status).toBe(403);
  });
});

describeWith(['postgresql'], 'the 24 h budget over two server instances on one PostgreSQL database', () => {
  let second: TestServer;
  let f: SecurityFixture;
  useTwoInstancesWith(createSecurityFixture, (started) => ({ second, f } = started));

  describe('concurrent cycles reporting "unblocked" on both instances', () => {
    it('issue exactly three responses', async () => {
      const other = await second.api.login(ADMIN.username, ADMIN.password);
      const clients = [f.operator, other];
      const results = await Promise.all(
        Array.from({ length: 12 }, (_, i) => deskCycle(clients[i % 2] as ApiClient, f.cardId)),
      );
      const concurrent = results.filter((r) => r.status === 200).length;
      expect(concurrent).toBeLessThanOrEqual(3);
      expect(results.every((r) => r.status === 200 || r.status === 403)).toBe(true);
      // Whatever the interleaving left, one at a time the total reaches exactly three.
      let sequential = 0;
      for (let i = 0; i < 6; i++) {
        const cycle = await deskCycle(clients[i % 2] as ApiClient, f.cardId);
        if (cycle.status !== 200) break;
        sequential++;
      }
      expect(concurrent + sequential).toBe(3);
    });
  });
});
