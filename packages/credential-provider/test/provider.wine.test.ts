/**
 * The credential provider under Wine 8, driven through its vtables as LogonUI drives it (test/harness):
 * the DLL's ABI and imports, the MSI (install, registry, CoCreateInstance, uninstall), and end to end against
 * the real server and the software GIDS card, which connects to the test winscard.dll as it would to vpcd.
 * One WINEPREFIX (one wineboot) for the whole file; every Wine run has a timeout.
 */
import { computeAdminResponse } from '@cardwarden/protocol/crypto';
import { fromHex, toHex } from '@cardwarden/protocol/hex';
import { describeWith } from '@cardwarden/integration-tests/system-parts';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN } from '@cardwarden/integration-tests/admin';
import type { ApiClient } from '@cardwarden/integration-tests/api-client';
import { buildForEndToEnd } from '@cardwarden/integration-tests/end-to-end-build';
import { freePort } from '@cardwarden/integration-tests/free-port';
import { startServerProcess, type ServerProcess } from '@cardwarden/integration-tests/server-process';
import { startTlsProxy } from '@cardwarden/integration-tests/tls-proxy';
import { buildWindowsParts, DIST, REPO_ROOT, WINE_PARTS } from './build-parts.js';
import { renderTileSvg } from './render-tile.js';
import {
  CPFT,
  CPGSR,
  CPSI,
  CPUS,
  Harness,
  quitAllHarnesses,
  visible,
  WinePrefix,
  type FieldView,
  type SubmitView,
} from './wine-support.js';
import { api as routes } from '@cardwarden/contract';

const CLSID = '{5C1E7A20-3B8D-4F0E-9C2A-7D4E1B6F8A31}';
const E_NOTIMPL = '0x80004001';
const S_OK = '0x00000000';
const PROVIDER_KEY = `HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Authentication\\Credential Providers\\${CLSID}`;
const FIELD = {
  INSTRUCTION: 1,
  CHALLENGE: 22,
  READ_BACK: 23,
  RESPONSE: 24,
  NEW_PIN: 25,
  CONFIRM_PIN: 26,
} as const;
const CARD_CLI = join(REPO_ROOT, 'packages/card-sim/bin/cardwarden-card.js');

/** The only SCard imports the issue allows. */
const ALLOWED_SCARD = new Set([
  'SCardEstablishContext',
  'SCardReleaseContext',
  'SCardIsValidContext',
  'SCardListReadersA',
  'SCardListReadersW',
  'SCardGetStatusChangeA',
  'SCardGetStatusChangeW',
  'SCardCancel',
  'SCardConnectA',
  'SCardConnectW',
  'SCardReconnect',
  'SCardDisconnect',
  'SCardBeginTransaction',
  'SCardEndTransaction',
  'SCardTransmit',
  'SCardStatusA',
  'SCardStatusW',
  'SCardGetAttrib',
  'SCardFreeMemory',
  'SCardAccessStartedEvent',
  'SCardReleaseStartedEvent',
  'g_rgSCardT0Pci',
  'g_rgSCardT1Pci',
  'g_rgSCardRawPci',
]);
const SYSTEM_DLLS = new Set([
  'ADVAPI32.dll',
  'KERNEL32.dll',
  'msvcrt.dll',
  'ole32.dll',
  'USER32.dll',
  'WINHTTP.dll',
  'WinSCard.dll',
]);

/** objdump's import table: DLL name -> imported names. */
function imports(file: string): Map<string, string[]> {
  const out = spawnSync('x86_64-w64-mingw32-objdump', ['-p', file], { encoding: 'utf8' }).stdout;
  const table = new Map<string, string[]>();
  let current: string[] | undefined;
  for (const line of out.split('\n')) {
    const dll = /^\s*DLL Name: (\S+)/.exec(line);
    if (dll?.[1]) table.set(dll[1], (current = []));
    else if (/^\s*$/.test(line)) current = undefined;
    else {
      const name = /^\s+[0-9a-f]+\s+\d+\s+(\w+)$/.exec(line);
      if (name?.[1] && current) current.push(name[1]);
    }
  }
  return table;
}

/**
 * Draws the tile from what the provider reported; with CARDWARDEN_WRITE_TILE_PICTURES=1 into the docs.
 * @returns the SVG, which the caller checks shows what the step is about.
 */
function picture(
  name: string,
  fields: readonly FieldView[],
  status?: { status: string; icon: number },
): string {
  const svg = renderTileSvg(fields, status && { text: status.status, icon: status.icon });
  if (process.env.CARDWARDEN_WRITE_TILE_PICTURES === '1') {
    const docs = join(REPO_ROOT, 'docs/images/credential-provider');
    mkdirSync(docs, { recursive: true });
    writeFileSync(join(docs, `${name}.svg`), svg);
  }
  return svg;
}

const escapeXml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

const byLabel = (fields: readonly FieldView[], label: RegExp) => fields.filter((f) => label.test(f.label));

describeWith(['wine'], 'credential provider under Wine', () => {
  let prefix: WinePrefix;
  let prefixCreated = false;

  beforeAll(() => {
    buildWindowsParts();
    prefix = WinePrefix.create();
    prefixCreated = true;
  });
  afterEach(async () => {
    await quitAllHarnesses();
  });
  afterAll(() => {
    if (prefixCreated) prefix.destroy();
  });

  describe('the DLL', () => {
    it('is x64, links its runtime statically and imports only Windows system DLLs and the allowed SCard calls', () => {
      const dll = join(DIST, 'cardwarden-cp.dll');
      const header = spawnSync('x86_64-w64-mingw32-objdump', ['-f', dll], { encoding: 'utf8' }).stdout;
      expect(header).toMatch(/file format pei-x86-64/);
      const table = imports(dll);
      expect([...table.keys()].filter((name) => !SYSTEM_DLLS.has(name))).toEqual([]);
      const scard = table.get('WinSCard.dll') ?? [];
      expect(scard).toContain('SCardTransmit');
      expect(scard.filter((name) => !ALLOWED_SCARD.has(name))).toEqual([]);
      const exported = spawnSync('x86_64-w64-mingw32-objdump', ['-p', dll], { encoding: 'utf8' }).stdout;
      expect(exported).toMatch(/\] DllGetClassObject/);
      expect(exported).toMatch(/\] DllCanUnloadNow/);
    });

    it('answers the documented interface IDs and no others', async () => {
      const harness = await Harness.start(prefix, ['--dll', 'cardwarden-cp.dll']);
      expect((await harness.command('qi {D27C3481-5A1C-45B2-8AAA-C20EBBE8229E}')).hr).toBe(S_OK);
      expect((await harness.command('qi {00000000-0000-0000-C000-000000000046}')).hr).toBe(S_OK);
      expect((await harness.command('qi {63913A93-40C1-481A-818D-4072FF8C70CC}')).hr).not.toBe(S_OK);
      await harness.scenario(CPUS.UNLOCK_WORKSTATION);
      expect((await harness.command('qi cred:{63913A93-40C1-481A-818D-4072FF8C70CC}')).hr).toBe(S_OK);
      expect((await harness.command('qi cred:{D27C3481-5A1C-45B2-8AAA-C20EBBE8229E}')).hr).not.toBe(S_OK);
      expect(await harness.quit()).toBe(0);
    });

    it('offers its tile for logon and unlock only, without a user-name field, and unloads cleanly', async () => {
      const harness = await Harness.start(prefix, ['--dll', 'cardwarden-cp.dll']);
      for (const cpus of [CPUS.CHANGE_PASSWORD, CPUS.CREDUI, CPUS.PLAP]) {
        expect(await harness.scenario(cpus)).toMatchObject({ hr: E_NOTIMPL, credential: false });
      }
      expect(await harness.scenario(CPUS.LOGON)).toMatchObject({ hr: S_OK, credential: true });
      const fields = await harness.fields();
      expect(fields.find((f) => f.type === CPFT.LARGE_TEXT)?.text).toBe('Unlock smart card');
      expect(fields.filter((f) => f.type === CPFT.SUBMIT_BUTTON)).toHaveLength(1);
      expect(byLabel(fields, /user/i)).toEqual([]);
      // Before a card: a sentence and the arrow, nothing to type.
      expect(
        visible(fields)
          .map((f) => f.type)
          .sort(),
      ).toEqual([CPFT.LARGE_TEXT, CPFT.SMALL_TEXT, CPFT.SUBMIT_BUTTON]);
      expect(fields[FIELD.INSTRUCTION]?.text).toMatch(/Insert your smart card/);
      expect(picture('1-insert-card', fields)).toContain('Insert your smart card');
      expect(byLabel(fields, /^Answer \d+$/).map((f) => f.type)).toEqual(Array(10).fill(CPFT.PASSWORD_TEXT));
      expect(byLabel(fields, /PIN/).map((f) => f.type)).toEqual([CPFT.PASSWORD_TEXT, CPFT.PASSWORD_TEXT]);
      // No reader (Wine's own winscard is not even loaded here: the test one has no port): stays on the tile.
      const pressed = await harness.submit();
      expect(pressed).toMatchObject({
        hr: S_OK,
        cpgsr: CPGSR.NO_CREDENTIAL_NOT_FINISHED,
        icon: CPSI.ERROR,
        serializationBytes: 0,
      });
      expect(pressed.fields.every((f) => f.consistent)).toBe(true);
      // Every string handed over (labels, values, the status) came from CoTaskMemAlloc.
      const strings = (await harness.command('strings')) as {
        checked: number;
        foreign: number;
        control: number;
      };
      expect(strings.checked).toBeGreaterThan(30);
      expect(strings.foreign).toBe(0);
      expect(strings.control).toBe(0);
      expect(await harness.command('canunload')).toEqual({ providerRefs: 0, hr: S_OK });
      expect(await harness.quit()).toBe(0);
    });
  });

  describe('the MSI', () => {
    it('installs the DLL and registers it where LogonUI looks; CoCreateInstance then works', async () => {
      const installed = prefix.run(
        ['msiexec', '/i', join(DIST, 'cardwarden-credential-provider.msi'), '/qn'],
        120_000,
      );
      expect(installed.status).toBe(0);
      expect(existsSync(join(prefix.dir, 'drive_c/windows/system32/cardwarden-cp.dll'))).toBe(true);
      expect(prefix.query(PROVIDER_KEY)).toMatch(/\(Default\)\s+REG_SZ\s+Cardwarden Credential Provider/);
      const inproc = prefix.query(`HKCR\\CLSID\\${CLSID}\\InprocServer32`);
      expect(inproc).toMatch(/ThreadingModel\s+REG_SZ\s+Apartment/);
      expect(inproc).toMatch(/system32\\cardwarden-cp\.dll/i);

      const harness = await Harness.start(prefix, ['--clsid']);
      expect((await harness.scenario(CPUS.CREDUI)).hr).toBe(E_NOTIMPL);
      expect(await harness.scenario(CPUS.UNLOCK_WORKSTATION)).toMatchObject({ hr: S_OK, credential: true });
      expect(await harness.quit()).toBe(0);
    });
  });

  describe('end to end: real server, software GIDS card', { timeout: 120_000 }, () => {
    const ADMIN_KEY = '1F2E3D4C5B6A79880112233445566778899AABBCCDDEEFF0';
    const SERIAL = 'C0C0000102030405060708090A0B0C0D';
    const LOCKOUT_SERIAL = 'C0C1000102030405060708090A0B0C0D';
    const NEW_PIN = '246813';
    const ANSWERS: Record<string, string> = {
      'What was the name of your first pet?': 'Rex',
      'In which town was your first school?': 'Saint-Étienne',
      'What is the title of your favourite book?': 'The Long Earth',
    };
    let dir: string;
    let server: ServerProcess | undefined;
    let admin: ApiClient;
    let vpcdPort: number;
    let profileId: string;
    let card: ChildProcess | undefined;
    const cardState = (name = 'gids.json') =>
      JSON.parse(readFileSync(join(dir, name), 'utf8')) as {
        pin: string;
        pinTriesLeft: number;
        adminTriesLeft: number;
      };

    async function cardholder(username: string, serial: string): Promise<void> {
      const questions = (await admin.callOk(routes.securityQuestions.list)).items;
      const user = await admin.callOk(routes.users.create, {
        body: { username, displayName: username, email: `${username}@example.test` },
      });
      const password = `${username}-self-service-password-long-enough`;
      await admin.callOk(routes.users.setPassword, { params: { id: user.id }, body: { password } });
      const session = await server!.api.callOk(routes.selfService.login, { body: { username, password } });
      await server!.api.as(session.token).callOk(routes.securityQuestions.setMyAnswers, {
        body: { answers: questions.map((q) => ({ questionId: q.id, answer: ANSWERS[q.text] ?? '' })) },
      });
      await admin.callOk(routes.cards.create, {
        body: {
          serial,
          username,
          profile: 'e2e-tile',
          type: 'gids',
          adminKey: { algorithm: '3des', key: ADMIN_KEY },
        },
      });
    }

    /** The software card, inserted into the test reader (it connects to the winscard.dll's port as to vpcd). */
    async function insertCard(
      options: { serial?: string; state?: string; blockPin?: boolean } = {},
    ): Promise<void> {
      await removeCard();
      const started = spawn(
        process.execPath,
        [
          CARD_CLI,
          'gids',
          '--state',
          join(dir, options.state ?? 'gids.json'),
          '--admin-key',
          ADMIN_KEY,
          '--pin',
          '12345678',
          '--serial',
          options.serial ?? SERIAL,
          '--admin-tries',
          '5',
          '--vpcd',
          `127.0.0.1:${vpcdPort}`,
          ...(options.blockPin ? ['--block-pin'] : []),
        ],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      );
      card = started;
      started.stderr.resume();
      // It says what it runs once its state file is written; then it keeps trying to reach the reader.
      await new Promise<void>((ready, fail) => {
        started.stdout.once('data', () => {
          ready();
        });
        started.once('exit', (code) => {
          fail(new Error(`cardwarden-card exited with ${String(code)}`));
        });
      });
      started.stdout.resume();
    }

    async function removeCard(): Promise<void> {
      const running = card;
      card = undefined;
      if (!running || running.exitCode !== null) return;
      const closed = new Promise((done) => running.once('close', done));
      running.kill('SIGTERM');
      await closed;
    }

    /** LogonUI on the lock screen: the tile, then the arrow pressed until the card is seen (it connects within ~2 s). */
    async function openTile(): Promise<{ harness: Harness; first: SubmitView }> {
      const harness = await Harness.start(prefix, ['--clsid'], {
        CARDWARDEN_TEST_VPCD_PORT: String(vpcdPort),
      });
      expect(await harness.scenario(CPUS.UNLOCK_WORKSTATION)).toMatchObject({ hr: S_OK, credential: true });
      for (let i = 0; ; i++) {
        const first = await harness.submit();
        if (!/Insert your smart card/.test(first.status) || i > 30) return { harness, first };
        await sleep(300);
      }
    }

    const questionsShown = (view: SubmitView) =>
      visible(view.fields)
        .filter((f) => /^Question \d+$/.test(f.label))
        .map((f) => ({ text: f.text, answerId: f.id + 1 }));

    async function answer(
      harness: Harness,
      view: SubmitView,
      reply: (text: string) => string,
      pin = NEW_PIN,
      confirm = pin,
    ) {
      for (const q of questionsShown(view)) await harness.set(q.answerId, reply(q.text));
      await harness.set(FIELD.NEW_PIN, pin);
      await harness.set(FIELD.CONFIRM_PIN, confirm);
      return harness.submit();
    }

    beforeAll(async () => {
      buildForEndToEnd();
      dir = mkdtempSync(join(tmpdir(), 'cw-tile-e2e-'));
      server = await startServerProcess({ dataDir: join(dir, 'server-data'), admin: ADMIN });
      admin = await server.api.login(ADMIN.username, ADMIN.password);
      for (const text of Object.keys(ANSWERS))
        await admin.callOk(routes.securityQuestions.create, { body: { text } });
      profileId = (
        await admin.callOk(routes.profiles.create, {
          body: {
            name: 'e2e-tile',
            useCases: { onlineUnlock: true },
            adminKeyAttemptLimit: 5,
            pinRules: { minLength: 6, maxLength: 8, digitsOnly: true },
            securityQuestions: {
              required: 3,
              asked: 2,
              maxFailedAttempts: 3,
              validateInOfflineUnblock: false,
            },
          },
        })
      ).id;
      await cardholder('tilda', SERIAL);
      await cardholder('lockie', LOCKOUT_SERIAL);
      vpcdPort = await freePort();
      prefix.setPolicy('ServerUrl', server.url);
    });

    afterAll(async () => {
      await removeCard();
      await server?.stop();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    it('unlocks a blocked card with answers in any case and spacing and a new PIN', async () => {
      await insertCard({ blockPin: true });
      const { harness, first } = await openTile();
      expect(first).toMatchObject({ hr: S_OK, cpgsr: CPGSR.NO_CREDENTIAL_NOT_FINISHED });
      expect(first.fields[FIELD.INSTRUCTION]?.text).toMatch(
        /Answer your security questions \(3 wrong answers left.*6-8 digits/,
      );
      const shown = questionsShown(first);
      expect(shown).toHaveLength(2);
      expect(Object.keys(ANSWERS)).toEqual(expect.arrayContaining(shown.map((q) => q.text)));
      expect(
        visible(first.fields)
          .filter((f) => /^Answer \d$/.test(f.label))
          .map((f) => f.id),
      ).toEqual(shown.map((q) => q.answerId));
      expect(
        visible(first.fields)
          .filter((f) => /PIN/.test(f.label))
          .map((f) => f.type),
      ).toEqual([CPFT.PASSWORD_TEXT, CPFT.PASSWORD_TEXT]);

      expect(picture('2-questions', first.fields)).toContain(escapeXml(shown[0]!.text));
      for (const q of shown)
        await harness.set(q.answerId, `  ${ANSWERS[q.text]!.toUpperCase().replace(' ', '   ')} `);
      await harness.set(FIELD.NEW_PIN, NEW_PIN);
      await harness.set(FIELD.CONFIRM_PIN, NEW_PIN);
      const typed = picture('3-answered', await harness.fields());
      expect(typed).toContain('●'.repeat(NEW_PIN.length));
      expect(typed).not.toMatch(new RegExp(`Rex|Étienne|Long Earth|${NEW_PIN}`, 'i'));
      const done = await harness.submit();
      expect(done).toMatchObject({
        hr: S_OK,
        cpgsr: CPGSR.NO_CREDENTIAL_FINISHED,
        icon: CPSI.SUCCESS,
        serializationBytes: 0,
      });
      expect(done.status).toMatch(/The smart card has been unlocked successfully/);
      expect(picture('4-unlocked', done.fields, done)).toContain('unlocked successfully');
      expect(done.fields.every((f) => f.consistent)).toBe(true);
      // Typed secrets are gone from the tile once done.
      expect(
        done.fields
          .filter((f) => f.type === CPFT.EDIT_TEXT || f.type === CPFT.PASSWORD_TEXT)
          .every((f) => f.text === ''),
      ).toBe(true);
      expect(await harness.quit()).toBe(0);
      expect(cardState()).toMatchObject({ pin: NEW_PIN, pinTriesLeft: 3, adminTriesLeft: 5 });
      const audit = (await admin.callOk(routes.audit.list, { query: { action: 'online_unlock.' } })).items;
      expect(audit.map((e) => e.action)).toContain('online_unlock.unblock_confirmed');
      const everything = JSON.stringify(audit) + server!.output() + harness.stderr;
      expect(everything).not.toMatch(new RegExp(`Rex|Étienne|Long Earth|${NEW_PIN}`, 'i'));
    });

    it('tells a cardholder whose PIN is not blocked, and changes nothing', async () => {
      const { harness, first } = await openTile();
      expect(first).toMatchObject({ cpgsr: CPGSR.NO_CREDENTIAL_FINISHED, icon: CPSI.ERROR });
      expect(first.status).toMatch(/PIN is not blocked \(3 tries left\)/);
      expect(picture('7-not-blocked', first.fields, first)).toContain('not blocked');
      await harness.quit();
      expect(cardState()).toMatchObject({ pin: NEW_PIN, pinTriesLeft: 3 });
    });

    it('checks the new PIN before anything costs an attempt, refuses wrong answers with the tries left, and notices a removed card', async () => {
      await insertCard({ blockPin: true });
      const { harness, first } = await openTile();
      const right = (text: string) => ANSWERS[text]!;
      const repeated = await answer(harness, first, right, '111111');
      expect(repeated).toMatchObject({ cpgsr: CPGSR.NO_CREDENTIAL_NOT_FINISHED, icon: CPSI.ERROR });
      expect(repeated.status).toMatch(/one character repeated/);
      const tooShort = await answer(harness, first, right, '1357');
      expect(tooShort.status).toMatch(/6 to 8 characters/);
      const differ = await answer(harness, first, right, '135790', '135791');
      expect(differ.status).toMatch(/not the same/);
      const letters = await answer(harness, first, right, '13a790');
      expect(letters.status).toMatch(/digits only/);

      const wrong = await answer(harness, first, () => 'not it');
      expect(wrong).toMatchObject({ cpgsr: CPGSR.NO_CREDENTIAL_NOT_FINISHED, icon: CPSI.ERROR });
      expect(wrong.status).toMatch(/answers were not accepted: 2 attempts left/);
      expect(picture('5-wrong-answers', wrong.fields, wrong)).toContain('2 attempts left');
      // The questions stay; the wrong answers are cleared.
      expect(questionsShown(wrong)).toEqual(questionsShown(first));
      expect(byLabel(wrong.fields, /^Answer/).every((f) => f.text === '')).toBe(true);

      await removeCard();
      const removed = await answer(harness, first, right);
      expect(removed).toMatchObject({ cpgsr: CPGSR.NO_CREDENTIAL_NOT_FINISHED, icon: CPSI.ERROR });
      expect(removed.status).toMatch(/card was removed/);
      expect(visible(removed.fields).some((f) => /^Answer/.test(f.label))).toBe(false);
      await harness.quit();
      // Nothing reached the card: still blocked, admin attempts untouched.
      expect(cardState()).toMatchObject({ pinTriesLeft: 0, adminTriesLeft: 5 });
    });

    it('locks online unlock after too many wrong answers and says whom to call', async () => {
      await insertCard({ serial: LOCKOUT_SERIAL, state: 'lockout.json', blockPin: true });
      const { harness, first } = await openTile();
      let last = await answer(harness, first, () => 'wrong');
      expect(last.status).toMatch(/2 attempts left/);
      last = await answer(harness, first, () => 'still wrong');
      expect(last.status).toMatch(/1 attempt left/);
      last = await answer(harness, first, () => 'wrong again');
      expect(last).toMatchObject({ cpgsr: CPGSR.NO_CREDENTIAL_FINISHED, icon: CPSI.ERROR });
      expect(last.status).toMatch(/locked for you.*help desk/);
      await harness.quit();
      // A new try at the lock screen is refused at once, with the time left.
      const again = await openTile();
      expect(again.first).toMatchObject({ cpgsr: CPGSR.NO_CREDENTIAL_FINISHED, icon: CPSI.ERROR });
      expect(again.first.status).toMatch(/locked for you for 1[45] minutes\. Call your help desk/);
      await again.harness.quit();
      await removeCard();
    });

    it('reacts to the card arriving and leaving while the tile is shown (card watcher)', async () => {
      await removeCard();
      const harness = await Harness.start(prefix, ['--clsid'], {
        CARDWARDEN_TEST_VPCD_PORT: String(vpcdPort),
      });
      expect(await harness.scenario(CPUS.UNLOCK_WORKSTATION)).toMatchObject({ hr: S_OK, credential: true });
      /** Waits for the provider's CredentialsChanged, then asks again as LogonUI does. */
      const nextChange = async (after: number) => {
        for (let waited = 0; waited < 15_000; waited += 200) {
          if (Number((await harness.command('changes')).changes) > after) break;
          await sleep(200);
        }
        const changes = Number((await harness.command('changes')).changes);
        expect(changes).toBeGreaterThan(after);
        return {
          changes,
          refreshed: (await harness.command('refresh')) as { count: number; fields: FieldView[] },
        };
      };
      const quiet = Number((await harness.command('changes')).changes);
      await insertCard({ blockPin: true });
      const arrived = await nextChange(quiet);
      expect(arrived.refreshed.count).toBe(1);
      expect(arrived.refreshed.fields[FIELD.INSTRUCTION]?.text).toMatch(/card is in the reader/);

      const started = await harness.submit();
      expect(questionsShown(started)).toHaveLength(2);
      await removeCard();
      const left = await nextChange(arrived.changes);
      expect(left.refreshed.fields[FIELD.INSTRUCTION]?.text).toMatch(/card was removed/);
      expect(visible(left.refreshed.fields).some((f) => /^Answer|PIN/.test(f.label))).toBe(false);
      await harness.quit();
    });

    it('falls back to the help desk on the same tile when online unlock is not enabled for the card', async () => {
      await insertCard({ blockPin: true });
      await admin.callOk(routes.profiles.update, {
        params: { id: profileId },
        body: { useCases: { onlineUnlock: false } },
      });
      try {
        const { harness, first } = await openTile();
        expect(first).toMatchObject({ cpgsr: CPGSR.NO_CREDENTIAL_NOT_FINISHED, icon: CPSI.WARNING });
        expect(first.status).toMatch(/not available for this card.*help desk/);
        expect(first.fields[FIELD.CHALLENGE]?.text).toMatch(/^[0-9A-F]{4}( [0-9A-F]{4}){3}$/);
        await harness.quit();
      } finally {
        await admin.callOk(routes.profiles.update, {
          params: { id: profileId },
          body: { useCases: { onlineUnlock: true } },
        });
      }
    });

    it('unblocks offline with the help desk’s response when the server cannot be reached', async () => {
      prefix.setPolicy('ServerUrl', `http://127.0.0.1:${await freePort()}`);
      await insertCard({ blockPin: true });
      try {
        const { harness, first } = await openTile();
        expect(first).toMatchObject({ cpgsr: CPGSR.NO_CREDENTIAL_NOT_FINISHED, icon: CPSI.WARNING });
        expect(first.status).toMatch(/cannot be reached.*read them the challenge/);
        const shown = visible(first.fields);
        expect(shown.map((f) => f.id)).toEqual(
          expect.arrayContaining([
            FIELD.CHALLENGE,
            FIELD.READ_BACK,
            FIELD.RESPONSE,
            FIELD.NEW_PIN,
            FIELD.CONFIRM_PIN,
          ]),
        );
        expect(shown.some((f) => /^Question/.test(f.label))).toBe(false);
        const grouped = first.fields[FIELD.CHALLENGE]!.text;
        expect(grouped).toMatch(/^[0-9A-F]{4}( [0-9A-F]{4}){3}$/);
        const challenge = grouped.replace(/ /g, '');
        expect(first.fields[FIELD.READ_BACK]!.text.split(', ')).toHaveLength(4);
        expect(picture('6-offline', first.fields, first)).toContain(grouped);

        // A wrong response costs one admin-key attempt and brings a new challenge.
        await harness.set(FIELD.RESPONSE, '0000 0000 0000 0000');
        await harness.set(FIELD.NEW_PIN, '97531864');
        await harness.set(FIELD.CONFIRM_PIN, '97531864');
        const refused = await harness.submit();
        expect(refused).toMatchObject({ cpgsr: CPGSR.NO_CREDENTIAL_NOT_FINISHED, icon: CPSI.ERROR });
        expect(refused.status).toMatch(/refused the response \(4 attempts left/);
        const next = refused.fields[FIELD.CHALLENGE]!.text.replace(/ /g, '');
        expect(next).not.toBe(challenge);

        const response = toHex(computeAdminResponse('3des', fromHex(ADMIN_KEY), fromHex(next)));
        await harness.set(FIELD.RESPONSE, response.toLowerCase().replace(/(.{4})/g, '$1 '));
        await harness.set(FIELD.NEW_PIN, '97531864');
        await harness.set(FIELD.CONFIRM_PIN, '97531864');
        const done = await harness.submit();
        expect(done).toMatchObject({ cpgsr: CPGSR.NO_CREDENTIAL_FINISHED, icon: CPSI.SUCCESS });
        expect(done.status).toMatch(/unlocked successfully/);
        await harness.quit();
        expect(cardState()).toMatchObject({ pin: '97531864', pinTriesLeft: 3, adminTriesLeft: 5 });
      } finally {
        prefix.setPolicy('ServerUrl', server!.url);
        await removeCard();
      }
    });
    it('refuses an untrusted server certificate and plain http to another computer, before any answer is sent', async () => {
      const proxy = await startTlsProxy(server!.url, dir);
      await insertCard({ blockPin: true });
      try {
        prefix.setPolicy('ServerUrl', proxy.url);
        const untrusted = await openTile();
        expect(untrusted.first).toMatchObject({
          cpgsr: CPGSR.NO_CREDENTIAL_NOT_FINISHED,
          icon: CPSI.WARNING,
        });
        expect(untrusted.first.status).toMatch(/certificate is not trusted.*help desk/);
        expect(untrusted.first.fields[FIELD.CHALLENGE]?.text).toMatch(/^[0-9A-F]{4}( [0-9A-F]{4}){3}$/);
        await untrusted.harness.quit();

        prefix.setPolicy('ServerUrl', 'http://unlock.example.org/');
        const plain = await openTile();
        expect(plain.first.status).toMatch(/address set by your administrator is refused \(.*plain http.*\)/);
        await plain.harness.quit();
      } finally {
        prefix.setPolicy('ServerUrl', server!.url);
        await proxy.close();
        await removeCard();
      }
    });
  });

  describe('uninstall', () => {
    it('removes the DLL and both registry keys', () => {
      const removed = prefix.run(
        ['msiexec', '/x', join(DIST, 'cardwarden-credential-provider.msi'), '/qn'],
        120_000,
      );
      expect(removed.status).toBe(0);
      expect(prefix.query(PROVIDER_KEY)).toBe('');
      expect(prefix.query(`HKCR\\CLSID\\${CLSID}\\InprocServer32`)).toBe('');
      expect(existsSync(join(prefix.dir, 'drive_c/windows/system32/cardwarden-cp.dll'))).toBe(false);
      expect(existsSync(join(WINE_PARTS, 'winscard.dll'))).toBe(true);
    });
  });
});
