/**
 * Single sign-on in Chromium, as a person does it: "Sign in with SSO" on the help-desk and self-service
 * sign-in pages, the identity provider's own login and consent pages (oidc-provider, in this process),
 * back in Cardwarden signed in with the role of the person's group; the admin's read-only SSO settings;
 * sign-out that ends the session at the provider too. axe-core checks each Cardwarden page.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { describeWith } from '@cardwarden/integration-tests/system-parts';
import { startTestProvider, type TestProvider } from '@cardwarden/integration-tests/oidc-provider';
import { ApiClient } from '@cardwarden/integration-tests/api-client';
import { checkAccessibility } from './support/accessibility.js';
import { launchChromium } from './support/browser.js';
import { ensureBuilt } from './support/build.js';
import { tripleDesResponse } from './support/expected-response.js';
import { freePort } from '@cardwarden/integration-tests/free-port';
import { ADMIN, startWebServer, type ServerProcess } from './support/server.js';
import { api, pathTo } from '@cardwarden/contract';

const DANA_KEY = randomBytes(24).toString('hex').toUpperCase();

describeWith(['chromium'], 'single sign-on in Chromium', () => {
  let provider: TestProvider;
  let server: ServerProcess;
  let browser: Browser;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    ensureBuilt();
    const port = await freePort();
    const base = `http://127.0.0.1:${String(port)}`;
    provider = await startTestProvider({
      redirectUris: [`${base}${pathTo(api.sso.callback)}`],
      postLogoutRedirectUris: [`${base}/`],
    });
    provider.accounts.set('nora', { preferred_username: 'nora', name: 'Nora Admin', groups: ['it-admins'] });
    provider.accounts.set('dana', { preferred_username: 'dana', email: 'dana@example.org' });
    const secretFile = join(mkdtempSync(join(tmpdir(), 'cardwarden-sso-e2e-')), 'client-secret');
    writeFileSync(secretFile, provider.clientSecret, { mode: 0o600 });
    server = await startWebServer({
      port,
      env: {
        CARDWARDEN_PUBLIC_URL: base,
        CARDWARDEN_OIDC_ISSUER: provider.issuer,
        CARDWARDEN_OIDC_CLIENT_ID: provider.clientId,
        CARDWARDEN_OIDC_CLIENT_SECRET_FILE: secretFile,
        CARDWARDEN_OIDC_GROUP_ROLES: 'it-admins=admin',
        CARDWARDEN_OIDC_ALLOW_INSECURE_HTTP: 'true',
      },
    });
    const admin = await new ApiClient(server.url).login(ADMIN.username, ADMIN.password);
    await admin.callOk(api.users.create, {
      body: { username: 'dana', displayName: 'Dana Doe', email: 'dana@example.org' },
    });
    await admin.callOk(api.profiles.create, {
      body: { name: 'Step-up', useCases: { selfServiceOfflineUnblock: true }, ssoStepUp: true },
    });
    await admin.callOk(api.cards.create, {
      body: {
        serial: 'CW-7007-S1',
        username: 'dana',
        profile: 'Step-up',
        type: 'minidriver',
        adminKey: { algorithm: '3des', key: DANA_KEY },
      },
    });
    browser = await launchChromium();
  });

  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => undefined);
    await (browser as Browser | undefined)?.close();
    await (server as ServerProcess | undefined)?.stop();
    await (provider as TestProvider | undefined)?.close();
  });

  async function newPage(): Promise<Page> {
    const context = await browser.newContext({ baseURL: server.url, reducedMotion: 'reduce' });
    contexts.push(context);
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    return page;
  }

  /** The provider's own pages: its login form (any password), then its consent. */
  async function signInAtProvider(page: Page, login: string): Promise<void> {
    await page.locator('input[name="login"]').fill(login);
    await page.locator('input[name="password"]').fill('any password');
    await page.getByRole('button', { name: 'Sign-in' }).click();
    await page.waitForLoadState();
    // Consent is asked once per client; a later sign-in goes straight back.
    if (new URL(page.url()).origin !== server.url) {
      await page.getByRole('button', { name: 'Continue' }).click();
    }
  }

  it('a staff member signs in with SSO, gets the admin role of their group, sees the SSO settings and signs out everywhere', async () => {
    const page = await newPage();
    await page.goto('/');
    const sso = page.getByRole('link', { name: 'Sign in with SSO' });
    await sso.waitFor();
    await checkAccessibility(page, 'the help-desk sign-in with SSO');
    await sso.click();
    await signInAtProvider(page, 'nora');
    // Back in the help desk, signed in; the address bar holds no code, state or token.
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
    expect(new URL(page.url()).search).toBe('');
    await page.goto('/admin/sso');
    await page.getByRole('heading', { name: 'Single sign-on' }).waitFor();
    await page.getByText(provider.issuer, { exact: true }).waitFor();
    await page.getByText('Set (not shown)').waitFor();
    expect(await page.content()).not.toContain(provider.clientSecret);
    await checkAccessibility(page, 'the SSO settings');
    await page.getByRole('button', { name: 'Sign out' }).click();
    // The provider asks to confirm its own sign-out, then sends the browser back.
    await page.getByRole('button', { name: /Yes, sign me out/i }).click();
    await page.getByRole('link', { name: 'Sign in with SSO' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/');
  });

  it('a cardholder signs in to self-service with SSO; someone with no role is told why', async () => {
    const page = await newPage();
    await page.goto('/self-service');
    await page.getByRole('link', { name: 'Sign in with SSO' }).click();
    await signInAtProvider(page, 'dana');
    await page.getByText(/Dana Doe/).waitFor();
    await checkAccessibility(page, 'self-service after SSO');

    // The card's profile requires a fresh SSO sign-in before each unblock: without one, the page says
    // so and offers it; after it, the unblock goes through.
    await page.evaluate(() => {
      sessionStorage.removeItem('cardwarden.sso.stepUp');
    });
    const challengeHex = randomBytes(8).toString('hex').toUpperCase();
    await page.getByRole('button', { name: 'Unblock PIN offline' }).click();
    await page.getByRole('textbox', { name: 'Challenge' }).fill(challengeHex);
    await page.getByRole('button', { name: 'Generate Response' }).click();
    await page.getByRole('alert').filter({ hasText: 'single sign-on' }).waitFor();
    await checkAccessibility(page, 'the step-up request');
    await page.getByRole('link', { name: 'Confirm with SSO' }).click();
    await signInAtProvider(page, 'dana');
    await page.getByText('Single sign-on confirmed').waitFor();
    await checkAccessibility(page, 'self-service after the step-up');
    await page.getByRole('button', { name: 'Unblock PIN offline' }).click();
    await page.getByRole('textbox', { name: 'Challenge' }).fill(challengeHex);
    await page.getByRole('button', { name: 'Generate Response' }).click();
    const response = page.getByRole('status', { name: 'Response' });
    await response.waitFor();
    expect((await response.textContent())?.replace(/\s/g, '')).toBe(
      tripleDesResponse(DANA_KEY, challengeHex),
    );

    // Dana is a cardholder, not staff: the help desk's SSO says so and what to do.
    const staff = await newPage();
    await staff.goto('/');
    await staff.getByRole('link', { name: 'Sign in with SSO' }).click();
    await signInAtProvider(staff, 'dana');
    await staff.getByRole('alert').filter({ hasText: 'no group' }).waitFor();
    await checkAccessibility(staff, 'the refused SSO sign-in');
  });
});
