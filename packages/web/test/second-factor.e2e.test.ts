/**
 * Staff second factor in Chromium, acting as a person: set up an authenticator app (the code computed
 * here with otplib, as the phone would), sign in with it; set up a passkey on Chromium's virtual
 * authenticator (DevTools WebAuthn domain) and sign in with it; an admin who must have a second factor
 * is asked to set one up; an admin resets someone's factors. axe-core checks each new screen.
 */
import { generate } from 'otplib';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { describeWith } from '@cardwarden/integration-tests/system-parts';
import { ApiClient } from '@cardwarden/integration-tests/api-client';
import { checkAccessibility } from './support/accessibility.js';
import { launchChromium } from './support/browser.js';
import { PageSet } from './support/pages.js';
import { ensureBuilt } from './support/build.js';
import { ADMIN, startWebServer, type ServerProcess } from './support/server.js';
import { api } from '@cardwarden/contract';

const TESS = { username: 'tess', password: 'tess supervisor password', role: 'supervisor' } as const;
const PAT = { username: 'pat', password: 'pat supervisor password', role: 'supervisor' } as const;
const ADA = { username: 'ada', password: 'ada administrator password', role: 'admin' } as const;

/** What the phone would show `stepsAhead` 30-second steps from now. */
const codeAt = (secret: string, stepsAhead: number) =>
  generate({ secret, epoch: Math.floor(Date.now() / 1000) + 30 * stepsAhead });

describeWith(['chromium'], 'staff second factor in Chromium', () => {
  let server: ServerProcess;
  let browser: Browser;
  let admin: ApiClient;
  /** The console at localhost: a WebAuthn RP ID must be a host name, not an IP address. */
  let consoleUrl: string;
  const pages = new PageSet();

  beforeAll(async () => {
    ensureBuilt();
    server = await startWebServer();
    consoleUrl = server.url.replace('127.0.0.1', 'localhost');
    admin = await new ApiClient(server.url).login(ADMIN.username, ADMIN.password);
    for (const who of [TESS, PAT, ADA]) await admin.callOk(api.operators.create, { body: who });
    browser = await launchChromium();
  });

  afterEach(() => {
    expect(pages.takeErrors()).toEqual([]);
  });

  afterAll(async () => {
    await pages.close();
    await (browser as Browser | undefined)?.close();
    await (server as ServerProcess | undefined)?.stop();
  });

  const newPage = (): Promise<Page> => pages.newPage(browser, consoleUrl);

  async function signIn(page: Page, who: { username: string; password: string }): Promise<void> {
    await page.goto('/');
    await page.getByLabel('Username').fill(who.username);
    await page.getByLabel('Password').fill(who.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
  }

  const signedIn = (page: Page, username: string) =>
    page.getByText(new RegExp(`Signed in as ${username} `)).waitFor();

  async function signOut(page: Page): Promise<void> {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
  }

  /** Reads the recovery codes off the screen, checks the screen, and goes on. */
  async function saveRecoveryCodes(page: Page): Promise<string[]> {
    const list = page.getByRole('list', { name: 'Recovery codes' });
    await list.waitFor();
    const codes = (await list.getByRole('listitem').allTextContents()).map((c) => c.trim());
    expect(codes).toHaveLength(10);
    await checkAccessibility(page, 'recovery codes');
    await page.getByRole('button', { name: 'I have saved them, continue' }).click();
    return codes;
  }

  it('a supervisor sets up an authenticator app on the account page, then signs in with a code from it', async () => {
    const page = await newPage();
    await signIn(page, TESS);
    await signedIn(page, TESS.username);
    await page.getByRole('link', { name: 'Two-factor sign-in' }).click();
    await page.getByRole('heading', { name: 'Two-factor sign-in' }).waitFor();
    await checkAccessibility(page, 'account: two-factor sign-in');
    await page.getByRole('button', { name: 'Set up an authenticator app' }).click();
    await page.getByRole('img', { name: 'QR code for your authenticator app' }).waitFor();
    const secret = (await page.getByTestId('totp-secret').textContent())?.trim() ?? '';
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    await checkAccessibility(page, 'account: authenticator app QR code');
    await page.getByLabel('Code from your authenticator app').fill(await codeAt(secret, 0));
    await page.getByRole('button', { name: 'Confirm' }).click();
    await saveRecoveryCodes(page);
    await page.getByText('Set up.', { exact: true }).waitFor();
    await signOut(page);

    await signIn(page, TESS);
    const codeField = page.getByLabel('Code from your authenticator app');
    await codeField.waitFor();
    await checkAccessibility(page, 'sign-in: second step');
    // A wrong code says so, and the person stays on the step.
    await codeField.fill('000000');
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.getByRole('alert').filter({ hasText: 'not right' }).waitFor();
    await codeField.fill(await codeAt(secret, 1));
    await page.getByRole('button', { name: 'Verify' }).click();
    await signedIn(page, TESS.username);
  });

  it('a supervisor adds a passkey on Chromium’s virtual authenticator and signs in with it', async () => {
    const page = await newPage();
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('WebAuthn.enable');
    await cdp.send('WebAuthn.addVirtualAuthenticator', {
      options: {
        protocol: 'ctap2',
        transport: 'internal',
        hasResidentKey: true,
        hasUserVerification: true,
        isUserVerified: true,
        automaticPresenceSimulation: true,
      },
    });
    await signIn(page, PAT);
    await signedIn(page, PAT.username);
    await page.getByRole('link', { name: 'Two-factor sign-in' }).click();
    await page.getByLabel('Name of the passkey').fill('laptop');
    await page.getByRole('button', { name: 'Add a passkey' }).click();
    await saveRecoveryCodes(page);
    await page.getByText('laptop', { exact: true }).waitFor();
    await signOut(page);

    await signIn(page, PAT);
    const usePasskey = page.getByRole('button', { name: 'Use your passkey' });
    await usePasskey.waitFor();
    await checkAccessibility(page, 'sign-in: passkey step');
    await usePasskey.click();
    await signedIn(page, PAT.username);
  });

  it('an admin who must have a second factor is asked to set one up at sign-in, then is signed in', async () => {
    await admin.callOk(api.settings.update, { body: { secondFactorRequiredFor: ['admin'] } });
    try {
      const page = await newPage();
      await signIn(page, ADA);
      await page.getByRole('heading', { name: 'Set up two-factor sign-in' }).waitFor();
      await checkAccessibility(page, 'sign-in: set up a second factor');
      await page.getByRole('button', { name: 'Set up an authenticator app' }).click();
      const secret = (await page.getByTestId('totp-secret').textContent())?.trim() ?? '';
      await page.getByLabel('Code from your authenticator app').fill(await codeAt(secret, 0));
      await page.getByRole('button', { name: 'Confirm' }).click();
      await saveRecoveryCodes(page);
      await signedIn(page, ADA.username);

      // Ada resets Tess's factors from the Operators page, with a reason.
      await page.getByRole('link', { name: 'Operators' }).click();
      const row = page.getByRole('row').filter({ hasText: TESS.username });
      await row.getByText('app', { exact: true }).waitFor();
      await checkAccessibility(page, 'operators with second factors');
      await page.getByRole('button', { name: `Reset second factor of ${TESS.username}` }).click();
      await page.getByLabel('Reason (goes to the audit log)').fill('lost her phone');
      await checkAccessibility(page, 'reset second factor dialog');
      await page.getByRole('button', { name: 'Reset second factor', exact: true }).click();
      await row.getByText('none', { exact: true }).waitFor();
    } finally {
      await admin.callOk(api.settings.update, { body: { secondFactorRequiredFor: [] } });
    }
    const audit = await admin.callOk(api.audit.list, { query: { action: 'second_factor.reset' } });
    expect(audit.items[0]).toMatchObject({
      actor: ADA.username,
      details: { operator: TESS.username, reason: 'lost her phone' },
    });
  });
});
