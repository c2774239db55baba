/**
 * cardwarden-unlock on a real pseudo-terminal, as a cardholder runs it: the real server (for the response and
 * the profile's PIN rules), software cards behind a private pcscd, and the screen searched for every secret
 * typed. Nothing typed may appear; a wrong response is reported before any PIN is asked; Ctrl-C gives the
 * terminal back as it was.
 */
import { PrivatePcscd, type GidsCardState, type SoftwareCardProcess } from '@cardwarden/card-sim';
import { describeWith } from '@cardwarden/integration-tests/system-parts';
import { spawn } from 'node:child_process';
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
  PtySession,
  startWithBlockedGidsCard,
  stopEndToEnd,
  UNLOCK_CLI,
} from './e2e-support.js';
import { api as routes } from '@cardwarden/contract';

const ADMIN_KEY = '0A1B2C3D4E5F60718293A4B5C6D7E8F90112233445566778';
const SERIAL = 'C0FFEE00112233445566778899AABBDD';
const CHALLENGE_ON_SCREEN = /\n {4}([0-9A-F]{4} [0-9A-F]{4} [0-9A-F]{4} [0-9A-F]{4})\r?\n/;

describeWith(['pcscd'], 'cardwarden-unlock on a terminal, through pcscd', () => {
  let dir: string;
  let pcscd: PrivatePcscd | undefined;
  let card: SoftwareCardProcess | undefined;
  let server: ServerProcess | undefined;
  let admin: ApiClient;
  let cardId: string;
  let profileId: string;
  const state = () => JSON.parse(readFileSync(gidsStatePath(dir), 'utf8')) as GidsCardState;

  /**
   * The tool on a terminal in pcscd's mount namespace only (for its socket), so that it reaches the server
   * here; `shell` wraps it (e.g. to print `stty -a` after it).
   */
  function onTerminal(args: string[], shell?: (tool: string) => string): PtySession {
    const tool = [process.execPath, UNLOCK_CLI, ...args];
    const quoted = tool.map((part) => `'${part}'`).join(' ');
    const [command, argv] = PtySession.argv(shell ? ['sh', '-c', shell(quoted)] : tool);
    return new PtySession(
      spawn('nsenter', ['-t', String(pcscd!.pid), '-m', '--', command, ...argv], {
        stdio: ['pipe', 'pipe', 'pipe'],
      }),
    );
  }

  /** The response the server issues for the challenge on the screen. */
  async function serverResponse(challenge: string): Promise<string> {
    const session = await admin.callOk(routes.offlineUnblocks.start, {
      params: { id: cardId },
      body: { ticket: 'PTY-1' },
    });
    const answer = await admin.callOk(routes.offlineUnblocks.response, {
      params: { id: session.id },
      body: { challenge },
    });
    return answer.response;
  }

  beforeAll(async () => {
    buildForEndToEnd();
    dir = mkdtempSync(join(tmpdir(), 'cw-pty-'));
    server = await startServerProcess({ dataDir: join(dir, 'server-data'), admin: ADMIN });
    admin = await server.api.login(ADMIN.username, ADMIN.password);
    profileId = (
      await admin.callOk(routes.profiles.create, {
        body: {
          name: 'pty-gids',
          useCases: { operatorOfflineUnblock: true },
          adminKeyAttemptLimit: 5,
          pinRules: { minLength: 8, maxLength: 8, digitsOnly: true },
        },
      })
    ).id;
    await admin.callOk(routes.users.create, {
      body: { username: 'bob', displayName: 'Bob Example', email: 'bob@example.test' },
    });
    cardId = (
      await admin.callOk(routes.cards.create, {
        body: {
          serial: SERIAL,
          username: 'bob',
          profile: 'pty-gids',
          type: 'gids',
          adminKey: { algorithm: '3des', key: ADMIN_KEY },
        },
      })
    ).id;
    ({ pcscd, card } = await startWithBlockedGidsCard(dir, {
      adminKey: ADMIN_KEY,
      serial: SERIAL,
      adminTries: 5,
    }));
  });

  afterAll(async () => {
    await stopEndToEnd({ card, pcscd, server, dir });
  });

  it('reports a wrong response before asking for a PIN, with the attempts the card has left', async () => {
    const tool = onTerminal(['offline']);
    await tool.waitFor(/Response: /);
    const typed = 'FFFF EEEE DDDD CCCC';
    tool.type(`${typed}\r`);
    expect(await tool.exited).toBe(4);
    expect(tool.screen).toMatch(/the card refused the response \(4 attempts left/);
    expect(tool.screen).not.toMatch(/New PIN/);
    expect(tool.screen).not.toContain(typed);
    expect(tool.screen).toContain('*'.repeat(typed.length));
    expect(state()).toMatchObject({ adminTriesLeft: 4, pinTriesLeft: 0 });
  });

  it("never shows the response or the PINs, and keeps the profile's PIN rules from --server", async () => {
    const tool = onTerminal(['offline', '--server', server!.url]);
    const [, grouped] = await tool.waitFor(CHALLENGE_ON_SCREEN);
    await tool.waitFor(/Response: /);
    expect(tool.screen).toMatch(/GIDS card C0FFEE00112233445566778899AABBDD/);
    expect(tool.screen).not.toMatch(/No --server given/);
    const response = await serverResponse(grouped!.replace(/ /g, ''));
    // Typed with a slip corrected by backspace, as people do.
    tool.type(`${response.slice(0, 6)}X\x7f${response.slice(6)}\r`);
    let mark = (await tool.waitFor(/New PIN \(8-8 digits\): /)).index;
    expect(tool.screen).toMatch(/The card accepted the response/);
    // Fine for the card (4-16 characters), refused by the profile: asked again, nothing sent.
    tool.type('135790\r');
    mark += (await tool.waitFor(/must be 8 to 8 characters[\s\S]*New PIN \(8-8 digits\): /, mark)).index;
    tool.type('97531246\r');
    await tool.waitFor(/New PIN again: /, mark);
    tool.type('97531246\r');
    expect(await tool.exited).toBe(0);
    expect(tool.screen).toMatch(/The PIN is unblocked/);
    expect(state()).toMatchObject({ pin: '97531246', pinTriesLeft: 3, adminTriesLeft: 5 });

    const screen = tool.screen.replace(/\s+/g, '');
    for (const secret of [response, response.slice(0, 6), '135790', '97531246']) {
      expect(screen).not.toContain(secret);
    }
    expect(tool.screen).toContain('*'.repeat(8));
  });

  it('gives the terminal back and exits 130 on Ctrl-C, with the card as it was', async () => {
    card!.signal('SIGUSR1');
    await sleep(100);
    const before = state();
    const tool = onTerminal(['offline'], (quoted) => `${quoted}; echo "exit status $?"; stty -a`);
    await tool.waitFor(/Response: /);
    expect(tool.screen).toMatch(/No --server given: .*card's own limits only \(4-16 characters\)/);
    tool.type('0557 89');
    await tool.waitFor(/\*{7}/);
    tool.type('\x03');
    expect(await tool.exited).toBe(0);
    expect(tool.screen).toMatch(/interrupted \(Ctrl-C\); the PIN was not changed/);
    expect(tool.screen).toMatch(/exit status 130/);
    // After the tool, the terminal echoes and edits lines again (no "-echo", "-icanon").
    const settings = tool.screen.slice(tool.screen.indexOf('exit status'));
    expect(settings).toMatch(/(^|\s)echo(\s|$)/);
    expect(settings).toMatch(/(^|\s)icanon(\s|$)/);
    expect(tool.screen).not.toContain('0557 89');
    expect(state()).toMatchObject({
      pinTriesLeft: 0,
      adminTriesLeft: before.adminTriesLeft,
      pin: before.pin,
    });
  });

  it('gives the terminal back when a signal ends the tool at a prompt', async () => {
    // (Node.js resets a raw terminal on SIGTERM by itself; this keeps that true for the tool.)
    const tool = onTerminal(
      ['offline'],
      (quoted) => `sh -c "echo tool pid \\$\\$; exec ${quoted}"; echo "exit status $?"; stty -a`,
    );
    const [, pid] = await tool.waitFor(/tool pid (\d+)/);
    await tool.waitFor(/Response: /);
    process.kill(Number(pid), 'SIGTERM');
    expect(await tool.exited).toBe(0);
    expect(tool.screen).toMatch(/exit status 143/);
    const settings = tool.screen.slice(tool.screen.indexOf('exit status'));
    expect(settings).toMatch(/(^|\s)echo(\s|$)/);
    expect(settings).toMatch(/(^|\s)icanon(\s|$)/);
  });

  it('stops before the challenge when the profile asks for a PIN this card cannot take', async () => {
    await admin.callOk(routes.profiles.update, {
      params: { id: profileId },
      body: { pinRules: { minLength: 20, maxLength: 24 } },
    });
    const before = state();
    const tool = onTerminal(['offline', '--server', server!.url]);
    expect(await tool.exited).toBe(10);
    expect(tool.screen).toMatch(/profile asks for a PIN of 20-24 digits, which this card \(4-16/);
    expect(tool.screen).not.toMatch(/challenge to your help desk|Response: /);
    expect(state()).toMatchObject({ adminTriesLeft: before.adminTriesLeft });
  });

  it("never shows the PUK or the PINs of a PIV unblock, and keeps the profile's rules from --server", async () => {
    await admin.callOk(routes.profiles.create, {
      body: { name: 'pty-piv', pinRules: { minLength: 8, maxLength: 8, digitsOnly: true } },
    });
    await admin.callOk(routes.cards.create, {
      body: {
        serial: '12345678',
        username: 'bob',
        profile: 'pty-piv',
        type: 'piv',
        adminKey: { algorithm: '3des', key: ADMIN_KEY },
      },
    });
    await card?.stop();
    card = await pcscd!.startCard([
      'piv',
      '--state',
      join(dir, 'piv.json'),
      '--management-key',
      ADMIN_KEY,
      '--pin',
      '123456',
      '--puk',
      '86427531',
      '--block-pin',
    ]);
    const tool = onTerminal(['puk', '--server', server!.url]);
    await tool.waitFor(/PUK: /);
    tool.type('86427531\r');
    const mark = (await tool.waitFor(/New PIN \(8-8 digits\): /)).index;
    tool.type('80246913\r');
    await tool.waitFor(/New PIN again: /, mark);
    tool.type('80246913\r');
    expect(await tool.exited).toBe(0);
    expect(tool.screen).toMatch(/The PIN is unblocked/);
    for (const secret of ['86427531', '80246913']) expect(tool.screen).not.toContain(secret);
    expect(JSON.parse(readFileSync(join(dir, 'piv.json'), 'utf8'))).toMatchObject({ pin: '80246913' });
  });
});
