/**
 * End to end, every part a real process: the server (behind an HTTPS proxy for the TLS runs) checks the
 * cardholder's security answers and computes the response; the software GIDS card runs behind a private
 * pcscd; `cardwarden-unlock online` talks to both.
 *
 * The tool joins only pcscd's mount namespace (for its socket), not its network namespace, so that it
 * reaches the server on this host's loopback.
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
import { startTlsProxy, type TlsProxy } from '@cardwarden/integration-tests/tls-proxy';
import {
  gidsStatePath,
  startWithBlockedGidsCard,
  stopEndToEnd,
  UNLOCK_CLI,
  UnlockSession,
} from './e2e-support.js';
import { api as routes } from '@cardwarden/contract';

const ADMIN_KEY = '1F2E3D4C5B6A79880112233445566778899AABBCCDDEEFF0';
const SERIAL = 'B0B0000102030405060708090A0B0C0D';
const CARDHOLDER_PASSWORD = 'bob-self-service-password-long-enough';
const NEW_PIN = '246813';
/** The cardholder's answers, by question text. */
const ANSWERS: Record<string, string> = {
  'What was the name of your first pet?': 'Rex',
  'In which town was your first school?': 'Saint-Étienne',
  'What is the title of your favourite book?': 'The Long Earth',
};

interface Question {
  readonly id: string;
  readonly text: string;
}

describeWith(['pcscd'], 'cardwarden-unlock online against the real server, through pcscd', () => {
  let dir: string;
  let pcscd: PrivatePcscd | undefined;
  let card: SoftwareCardProcess | undefined;
  let server: ServerProcess | undefined;
  let admin: ApiClient;
  let proxy: TlsProxy | undefined;
  let profileId: string;
  const state = () => JSON.parse(readFileSync(gidsStatePath(dir), 'utf8')) as GidsCardState;

  /** The tool in pcscd's mount namespace only (for its socket), so that it reaches the server here. */
  function startOnline(...args: string[]): UnlockSession {
    return new UnlockSession(
      spawn(
        'nsenter',
        ['-t', String(pcscd!.pid), '-m', '--', process.execPath, UNLOCK_CLI, 'online', ...args],
        {
          stdio: ['pipe', 'pipe', 'pipe'],
        },
      ),
    );
  }

  /** One run with answers from `answer`, which gets each question's text; resolves with the last line and the status. */
  async function unlockWith(answer: (text: string) => string, ...args: string[]) {
    const unlock = startOnline('--json', ...args);
    const first = await unlock.nextJson();
    if (first.result === 'failed') return { first, last: first, status: await unlock.exited, unlock };
    unlock.send(...(first.questions as Question[]).map((q) => answer(q.text)), NEW_PIN, NEW_PIN);
    return { first, last: await unlock.nextJson(), status: await unlock.exited, unlock };
  }

  const plainHttp = () => ['--server', server!.url];

  /** A run without --json, with `lines` piped in: what a person would read. */
  async function runForPerson(lines: string[], ...args: string[]) {
    const unlock = startOnline(...args);
    unlock.pipe(...lines);
    const status = await unlock.exited;
    return { status, stdout: unlock.stdout, stderr: unlock.stderr };
  }

  beforeAll(async () => {
    buildForEndToEnd();
    dir = mkdtempSync(join(tmpdir(), 'cw-online-e2e-'));
    server = await startServerProcess({ dataDir: join(dir, 'server-data'), admin: ADMIN });
    admin = await server.api.login(ADMIN.username, ADMIN.password);

    for (const text of Object.keys(ANSWERS))
      await admin.callOk(routes.securityQuestions.create, { body: { text } });
    const questions = (await admin.callOk(routes.securityQuestions.list)).items;
    profileId = (
      await admin.callOk(routes.profiles.create, {
        body: {
          name: 'e2e-online',
          useCases: { onlineUnlock: true },
          adminKeyAttemptLimit: 5,
          pinRules: { minLength: 6, maxLength: 8, digitsOnly: true },
          securityQuestions: { required: 3, asked: 2, maxFailedAttempts: 3, validateInOfflineUnblock: false },
        },
      })
    ).id;
    const user = await admin.callOk(routes.users.create, {
      body: { username: 'bob', displayName: 'Bob Example', email: 'bob@example.test' },
    });
    await admin.callOk(routes.users.setPassword, {
      params: { id: user.id },
      body: { password: CARDHOLDER_PASSWORD },
    });
    const cardholder = await server.api.callOk(routes.selfService.login, {
      body: { username: 'bob', password: CARDHOLDER_PASSWORD },
    });
    await server.api.as(cardholder.token).callOk(routes.securityQuestions.setMyAnswers, {
      body: { answers: questions.map((q) => ({ questionId: q.id, answer: ANSWERS[q.text] ?? '' })) },
    });
    await admin.callOk(routes.cards.create, {
      body: {
        serial: SERIAL,
        username: 'bob',
        profile: 'e2e-online',
        type: 'gids',
        adminKey: { algorithm: '3des', key: ADMIN_KEY },
      },
    });
    proxy = await startTlsProxy(server.url, dir);

    ({ pcscd, card } = await startWithBlockedGidsCard(dir, {
      adminKey: ADMIN_KEY,
      serial: SERIAL,
      adminTries: 5,
    }));
  });

  afterAll(async () => {
    await stopEndToEnd({ card, pcscd, proxy, server, dir });
  });

  it('refuses a server certificate it cannot trust, before anything is sent', async () => {
    const { last, status } = await unlockWith((text) => ANSWERS[text]!, '--server', proxy!.url);
    expect(last).toMatchObject({
      result: 'failed',
      code: 'server.tls',
      message: expect.stringMatching(/--ca-file/),
    });
    expect(status).toBe(9);
    expect(state()).toMatchObject({ pinTriesLeft: 0, adminTriesLeft: 5 });
  });

  it('unblocks the card with right answers, over TLS with --ca-file; the PIN stays on the workstation', async () => {
    // Answers differing from the stored ones only in case and spaces are accepted.
    const { first, last, status, unlock } = await unlockWith(
      (text) => `  ${ANSWERS[text]!.toUpperCase()} `,
      '--server',
      proxy!.url,
      '--ca-file',
      proxy!.certificateFile,
    );
    expect(first).toEqual({
      questions: [
        { id: expect.any(String), text: expect.any(String) },
        { id: expect.any(String), text: expect.any(String) },
      ],
      pinRules: { minLength: 6, maxLength: 8, digitsOnly: true },
      answerAttemptsRemaining: 3,
      challenge: expect.stringMatching(/^[0-9A-F]{16}$/),
    });
    expect(Object.keys(ANSWERS)).toEqual(
      expect.arrayContaining((first.questions as Question[]).map((q) => q.text)),
    );
    // A GIDS card proves the unblock with mutual authentication: the server checked its cryptogram.
    expect(last).toEqual({ result: 'unblocked', confirmed: true });
    expect(status).toBe(0);
    expect(unlock.stderr).not.toMatch(/could not check/);
    expect(unlock.stderr).not.toMatch(/Rex|Étienne|Long Earth/i);
    expect(unlock.stderr).not.toMatch(/could not be told/);
    expect(state()).toMatchObject({ pin: NEW_PIN, pinTriesLeft: 3, adminTriesLeft: 5 });
    expect(server!.output()).not.toContain(NEW_PIN);
    // The server confirmed the unblock; the audit trail has it, and neither the answers nor the PIN.
    const audit = JSON.stringify(
      (await admin.callOk(routes.audit.list, { query: { action: 'online_unlock.' } })).items,
    );
    expect(audit).toMatch(/"action":"online_unlock.unblock_confirmed"/);
    expect(audit).not.toMatch(/"action":"online_unlock.outcome_recorded"/);
    expect(audit).not.toMatch(new RegExp(`Rex|Étienne|Long Earth|${NEW_PIN}`, 'i'));
  });

  it('sends the cardholder to the help desk when the profile does not allow online unlock', async () => {
    card!.signal('SIGUSR1');
    await sleep(100);
    await admin.callOk(routes.profiles.update, {
      params: { id: profileId },
      body: { useCases: { onlineUnlock: false } },
    });
    try {
      const { last, status } = await unlockWith((text) => ANSWERS[text]!, ...plainHttp());
      expect(last).toMatchObject({
        result: 'failed',
        code: 'online_unlock.unavailable',
        message: expect.stringMatching(/online unlock is off for it.*offline unblock with your help desk/),
      });
      expect(status).toBe(10);
    } finally {
      await admin.callOk(routes.profiles.update, {
        params: { id: profileId },
        body: { useCases: { onlineUnlock: true } },
      });
    }
  });

  it('refuses wrong answers with the attempts left, locks at the limit, and never touches the card', async () => {
    expect(state().pinTriesLeft).toBe(0);
    const wrong = () => 'not my answer';
    // The first time as a person would see it (without --json), answers piped in.
    const first = await runForPerson(['not my answer', 'not my answer', NEW_PIN, NEW_PIN], ...plainHttp());
    expect(first.stdout).toMatch(
      /GIDS card B0B0.* PIN is blocked[\s\S]*3 wrong answers left[\s\S]*Question 1 of 2: [\s\S]*Question 2 of 2: /,
    );
    expect(first.stderr).toMatch(/New PIN \(6-8 digits\)/);
    expect(first.stderr).toMatch(
      /cardwarden-unlock: the server did not accept your answers: 2 attempts left/,
    );
    expect(`${first.stdout}${first.stderr}`).not.toContain('not my answer');
    expect(first.status).toBe(4);
    expect((await unlockWith(wrong, ...plainHttp())).last).toMatchObject({ attemptsLeft: 1 });
    const third = await unlockWith(wrong, ...plainHttp());
    expect(['online_unlock.wrong_answers', 'identity.locked']).toContain(third.last.code);

    const locked = await unlockWith((text) => ANSWERS[text]!, ...plainHttp());
    expect(locked.last).toMatchObject({
      result: 'failed',
      code: 'identity.locked',
      message: expect.stringMatching(/too many wrong answers.*help desk/),
    });
    expect(locked.status).toBe(5);
    expect(state()).toMatchObject({ pinTriesLeft: 0, adminTriesLeft: 5 });
  });
});
