/**
 * `cardwarden-unlock online --sso` in process: the real server (PGlite) with single sign-on against
 * oidc-provider, an in-memory software GIDS card, and a fetch "browser" that opens the sign-in URL the
 * tool hands out and signs in at the provider's form, as the cardholder would.
 */
import { GidsCard, newGidsCardState } from '@cardwarden/card-sim';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../src/cli.js';
import { freePort } from '@cardwarden/integration-tests/free-port';
import { registerCard } from '@cardwarden/integration-tests/fixtures';
import {
  ssoConfigFor,
  startTestProvider,
  TestBrowser,
  type TestProvider,
} from '@cardwarden/integration-tests/oidc-provider';
import { createSecurityFixture, type SecurityFixture } from '@cardwarden/integration-tests/security-fixture';
import { startTestServer, type TestServer } from '@cardwarden/integration-tests/test-server';
import { collector, scriptedInput, SoftwareCardAccess } from './software-card-access.js';
import { api, pathTo } from '@cardwarden/contract';

const KEY_HEX = '010203040506070801020304050607080102030405060708';
const SERIAL = 'A1B2C3D4'.repeat(4);
const NEW_PIN = '24681357';

function jsonLines(printed: string): Record<string, unknown>[] {
  return printed
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('cardwarden-unlock online --sso', () => {
  let provider: TestProvider;
  let server: TestServer;
  let base: string;
  let f: SecurityFixture;

  beforeAll(async () => {
    const port = await freePort();
    base = `http://127.0.0.1:${String(port)}`;
    provider = await startTestProvider({
      redirectUris: [`${base}${pathTo(api.sso.callback)}`],
      postLogoutRedirectUris: [`${base}/`],
    });
    server = await startTestServer('pglite', {
      config: {
        port,
        sso: ssoConfigFor(provider, base, { stepUpMaxAgeSeconds: 300 }),
      },
    });
    f = await createSecurityFixture(server.api, { ssoStepUp: true });
    await registerCard(f.admin, { username: f.username, profile: f.profileName, serial: SERIAL });
    provider.accounts.set('holder', { preferred_username: f.username });
  });
  afterAll(async () => {
    await server.close();
    await provider.close();
  });

  async function run(args: string[]) {
    const card = new GidsCard(
      newGidsCardState({ serial: SERIAL, algorithm: '3des', adminKey: KEY_HEX, pin: '12345678' }),
    );
    card.blockPin();
    const access = new SoftwareCardAccess({ 'Virtual PCD 00 00': card });
    const stdout = collector();
    const stderr = collector();
    const answerFor = (index: number) => (printed: string) => {
      const first = jsonLines(printed).find((line) => 'questions' in line) as
        { questions: { id: string }[] } | undefined;
      const id = first?.questions[index]?.id ?? '';
      return f.answers.get(id);
    };
    const input = scriptedInput([answerFor(0), answerFor(1), () => NEW_PIN, () => NEW_PIN], () =>
      stdout.text(),
    );
    const signIns: Promise<unknown>[] = [];
    const status = await main(['online', '--server', base, '--json', ...args], {
      openCardAccess: () => access,
      input,
      stdout,
      stderr,
      sso: {
        // The cardholder's browser: opens the address and signs in at the provider.
        open: (url) => {
          signIns.push(new TestBrowser().signIn(url, 'holder'));
          return true;
        },
        pollMs: 100,
      },
    });
    await Promise.all(signIns);
    return { status, out: jsonLines(stdout.text()), stderr: stderr.text(), card };
  }

  it('is refused without --sso when the profile requires the step-up, with advice', async () => {
    const result = await run([]);
    expect(result.status).toBe(10);
    expect(result.out.at(-1)).toMatchObject({ result: 'failed', code: 'sso.step_up_required' });
    expect(String(result.out.at(-1)?.message)).toContain('--sso');
  });

  it('signs in through the browser, then unblocks the card', async () => {
    const result = await run(['--sso']);
    expect(result.out[0]).toEqual({
      ssoSignInUrl: expect.stringContaining(`${base}${pathTo(api.sso.start)}?device=`),
    });
    expect(result.out.at(-1)).toMatchObject({ result: 'unblocked' });
    expect(result.status).toBe(0);
    expect(result.card.snapshot()).toMatchObject({ pin: NEW_PIN });
  });

  it('refuses --sso for the other commands', async () => {
    const stderr = collector();
    const status = await main(['offline', '--sso'], {
      openCardAccess: () => new SoftwareCardAccess({}),
      input: scriptedInput([], () => ''),
      stdout: collector(),
      stderr,
    });
    expect(status).toBe(2);
    expect(stderr.text()).toContain('--sso is for the online command only');
  });
});
