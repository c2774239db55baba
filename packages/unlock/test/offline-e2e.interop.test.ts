/**
 * End to end, every part a real process: the server computes the response through its REST API for the
 * card's admin key, the software GIDS card runs behind a private pcscd, and cardwarden-unlock talks to it
 * over PC/SC.
 */
import { PrivatePcscd, type GidsCardState, type SoftwareCardProcess } from '@cardwarden/card-sim';
import { describeWith } from '@cardwarden/integration-tests/system-parts';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ADMIN } from '@cardwarden/integration-tests/admin';
import type { ApiClient } from '@cardwarden/integration-tests/api-client';
import { buildForEndToEnd } from '@cardwarden/integration-tests/end-to-end-build';
import { startServerProcess, type ServerProcess } from '@cardwarden/integration-tests/server-process';
import {
  gidsStatePath,
  startWithBlockedGidsCard,
  stopEndToEnd,
  UNLOCK_CLI,
  UnlockSession,
} from './e2e-support.js';
import { api as routes } from '@cardwarden/contract';

const ADMIN_KEY = '0A1B2C3D4E5F60718293A4B5C6D7E8F90112233445566778';
const SERIAL = 'C0FFEE00112233445566778899AABBCC';

describeWith(['pcscd'], 'cardwarden-unlock offline with a response from the server, through pcscd', () => {
  let dir: string;
  let pcscd: PrivatePcscd | undefined;
  let card: SoftwareCardProcess | undefined;
  let server: ServerProcess | undefined;
  let admin: ApiClient;
  let cardId: string;
  const statePath = () => gidsStatePath(dir);
  const state = () => JSON.parse(readFileSync(statePath(), 'utf8')) as GidsCardState;

  function startUnlock(): UnlockSession {
    return new UnlockSession(
      pcscd!.spawn(process.execPath, [UNLOCK_CLI, 'offline', '--json'], { stdio: ['pipe', 'pipe', 'pipe'] }),
    );
  }

  beforeAll(async () => {
    buildForEndToEnd();
    dir = mkdtempSync(join(tmpdir(), 'cw-e2e-'));
    server = await startServerProcess({ dataDir: join(dir, 'server-data'), admin: ADMIN });
    admin = await server.api.login(ADMIN.username, ADMIN.password);
    await admin.callOk(routes.profiles.create, {
      body: { name: 'e2e-gids', useCases: { operatorOfflineUnblock: true }, adminKeyAttemptLimit: 3 },
    });
    await admin.callOk(routes.users.create, {
      body: { username: 'alice', displayName: 'Alice Example', email: 'alice@example.test' },
    });
    const registered = await admin.callOk(routes.cards.create, {
      body: {
        serial: SERIAL,
        username: 'alice',
        profile: 'e2e-gids',
        type: 'gids',
        adminKey: { algorithm: '3des', key: ADMIN_KEY },
      },
    });
    cardId = registered.id;

    ({ pcscd, card } = await startWithBlockedGidsCard(dir, {
      adminKey: ADMIN_KEY,
      serial: SERIAL,
      adminTries: 3,
    }));
  });

  afterAll(async () => {
    await stopEndToEnd({ card, pcscd, server, dir });
  });

  it('unblocks the card with the response the server computed for its admin key', async () => {
    expect(state().pinTriesLeft).toBe(0);
    const unlock = startUnlock();
    const { challenge } = await unlock.nextJson();
    expect(challenge).toMatch(/^[0-9A-F]{16}$/);

    const session = await admin.callOk(routes.offlineUnblocks.start, {
      params: { id: cardId },
      body: { ticket: 'E2E-1' },
    });
    const answer = await admin.callOk(routes.offlineUnblocks.response, {
      params: { id: session.id },
      body: { challenge: challenge as string },
    });
    expect(answer.response).toMatch(/^[0-9A-F]{16}$/);
    // Read back the way a help desk dictates it: in groups of four.
    unlock.send(answer.responseGroups.join(' '), '24681357', '24681357');

    expect(await unlock.nextJson()).toEqual({ result: 'unblocked' });
    expect(await unlock.exited).toBe(0);
    await admin.callOk(routes.offlineUnblocks.outcome, {
      params: { id: session.id },
      body: { result: 'unblocked' },
    });
    expect(state()).toMatchObject({ pin: '24681357', pinTriesLeft: 3, adminTriesLeft: 3 });
  });

  it('refuses a wrong response, counting down to blocked, and then refuses even the right one', async () => {
    card!.signal('SIGUSR1');
    await sleep(100);
    expect(state().pinTriesLeft).toBe(0);
    const expectations = [
      { status: 4, body: { result: 'failed', code: 'response.wrong', attemptsLeft: 2 } },
      { status: 4, body: { result: 'failed', code: 'response.wrong', attemptsLeft: 1 } },
      { status: 5, body: { result: 'failed', code: 'admin_key.blocked', attemptsLeft: 0 } },
    ];
    for (const expected of expectations) {
      const unlock = startUnlock();
      const { challenge } = await unlock.nextJson();
      // The server's answer to another challenge: well-formed, but wrong for this one.
      const other = (challenge as string).replace(/^./, (c) => (c === '0' ? '1' : '0'));
      const session = await admin
        .callOk(routes.offlineUnblocks.start, { params: { id: cardId }, body: { ticket: 'E2E-wrong' } })
        .catch(() => undefined);
      const response = session
        ? (
            await admin
              .callOk(routes.offlineUnblocks.response, {
                params: { id: session.id },
                body: { challenge: other },
              })
              .catch(() => undefined)
          )?.response
        : undefined;
      unlock.send(response ?? 'FFFFFFFFFFFFFFFF', '24681357', '24681357');
      expect(await unlock.nextJson()).toMatchObject({ ...expected.body, message: expect.any(String) });
      expect(await unlock.exited).toBe(expected.status);
    }
    const blocked = startUnlock();
    expect(await blocked.nextJson()).toMatchObject({ result: 'failed', code: 'admin_key.blocked' });
    expect(await blocked.exited).toBe(5);
    expect(state()).toMatchObject({ pinTriesLeft: 0, adminTriesLeft: 0 });
  });
});
