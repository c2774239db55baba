/**
 * The admin console's Master keys page end to end, as an admin uses it: the real built server and
 * Debian's Chromium; choosing a profile with the keyboard, reading its master versions (created, where
 * each lives, the cards using it; never a key), rotating the master after a confirmation that says what
 * rotation does, changing a profile's key source (cancelled once, then confirmed), the link from Card
 * profiles, and "Issue a card" on a user's page telling the operator what to run. axe-core checks the
 * page and every dialog. With CARDWARDEN_SCREENSHOTS=1 it also writes its screenshots in docs/screenshots.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { describeWith } from '@cardwarden/integration-tests/system-parts';
import { ApiClient } from '@cardwarden/integration-tests/api-client';
import { checkAccessibility } from './support/accessibility.js';
import { choose, shot } from './support/screens.js';
import { launchChromium } from './support/browser.js';
import { ensureBuilt } from './support/build.js';
import { ADMIN, startWebServer, type ServerProcess } from './support/server.js';
import { api } from '@cardwarden/contract';

describeWith(['chromium'], 'admin console: master keys, and the portal action "Issue a card"', () => {
  let server: ServerProcess;
  let browser: Browser;
  let admin: ApiClient;
  let derivedId = '';
  let randomId = '';
  /** The one derived key the server gave out: it must never appear on a page. */
  let derivedKey = '';
  const pageErrors: string[] = [];

  beforeAll(async () => {
    ensureBuilt();
    server = await startWebServer();
    admin = await new ApiClient(server.url).login(ADMIN.username, ADMIN.password);
    randomId = (await admin.callOk(api.profiles.create, { body: { name: 'Contractors' } })).id;
    derivedId = (
      await admin.callOk(api.profiles.create, {
        body: {
          name: 'Staff (derived)',
          adminKeySource: 'derived',
          useCases: { operatorOfflineUnblock: true },
        },
      })
    ).id;
    await admin.callOk(api.users.create, {
      body: { username: 'dana', displayName: 'Dana Derived', email: 'dana@example.org' },
    });
    // The profile's first derived card makes master version 1.
    const card = await admin.callOk(api.cards.create, {
      body: {
        serial: 'MK-E2E-0001',
        username: 'dana',
        profile: 'Staff (derived)',
        type: 'gids',
        adminKey: { algorithm: 'aes128', derive: true },
      },
    });
    derivedKey = card.generatedAdminKey ?? '';
    expect(derivedKey).toMatch(/^[0-9A-F]{32}$/);
    browser = await launchChromium();
  });

  afterAll(async () => {
    await (browser as Browser | undefined)?.close();
    await (server as ServerProcess | undefined)?.stop();
  });

  /** The versions table as text, one row per version, newest first. */
  async function versionRows(page: Page): Promise<string[]> {
    const rows = page.getByRole('table', { name: 'Master versions' }).getByRole('row');
    return (await rows.allTextContents()).slice(1);
  }

  /** A new browser context signed in to the console as the admin, typing as a person does. */
  async function signInAsAdmin(viewport?: { width: number; height: number }) {
    const context = await browser.newContext({ baseURL: server.url, reducedMotion: 'reduce', viewport });
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto('/');
    await page.getByLabel('Username').pressSequentially(ADMIN.username);
    await page.getByLabel('Password').pressSequentially(ADMIN.password);
    await page.keyboard.press('Enter');
    return { context, page };
  }

  async function expectNoKeyOnPage(page: Page): Promise<void> {
    const html = (await page.content()).toUpperCase();
    expect(html.includes(derivedKey), 'a derived admin key on the page').toBe(false);
  }

  it('shows a profile’s master versions, and rotates the master after saying what rotation does', async () => {
    const { context, page } = await signInAsAdmin({ width: 1280, height: 860 });
    await page.getByRole('link', { name: 'Master keys' }).click();
    await page.getByRole('heading', { name: 'Master keys', level: 1 }).waitFor();

    const profile = page.getByRole('combobox', { name: 'Card profile' });
    await choose(profile, 'Staff (derived)');
    await expect.poll(() => page.url()).toContain(`profile=${derivedId}`);
    expect(await page.getByRole('radio', { name: 'Derived from the profile’s master key' }).isChecked()).toBe(
      true,
    );
    await page.getByText('New versions are sealed under the KEK (no HSM is configured).').waitFor();
    await expect.poll(() => versionRows(page)).toHaveLength(1);
    const [first] = await versionRows(page);
    expect(first).toMatch(/^1current.*Sealed under the KEK[0-9A-F]{6}1$/);
    await expectNoKeyOnPage(page);
    await checkAccessibility(page, 'the Master keys page');

    // Rotation: the confirmation says what happens to the cards already issued.
    const rotateButton = page.getByRole('button', { name: 'Rotate master…' });
    await rotateButton.click();
    const dialog = page.getByRole('dialog', { name: 'Rotate the master key of Staff (derived)' });
    await dialog.waitFor();
    const text = (await dialog.textContent()) ?? '';
    expect(text).toContain('Version 2 is made and sealed under the KEK and becomes the current version.');
    expect(text).toContain('New cards, and cards re-keyed from now on, get keys derived from version 2.');
    expect(text).toContain(
      'Cards already issued (1) keep the version they have and go on unblocking as before; each moves to version 2 when it is next re-keyed.',
    );
    expect(text).toContain('Nothing breaks');
    // The reason field has the focus: type, and Enter confirms.
    await page.keyboard.type('yearly rotation');
    await shot(page, '36-rotate-master');
    await page.keyboard.press('Enter');
    await page.getByRole('status').getByText('Version 2 is now the current master.').waitFor();
    expect(await dialog.count()).toBe(0);
    await expect.poll(() => versionRows(page)).toHaveLength(2);
    const [newest, oldest] = await versionRows(page);
    expect(newest).toMatch(/^2current.*Sealed under the KEK[0-9A-F]{6}0$/);
    expect(oldest).toMatch(/^1retired.*Sealed under the KEK[0-9A-F]{6}1$/);
    await expect.poll(() => rotateButton.evaluate((el) => el === document.activeElement)).toBe(true);
    await shot(page, '35-admin-master-keys');

    const list = await admin.callOk(api.masters.list, { params: { id: derivedId } });
    expect(list.items.map((m) => [m.version, m.state, m.current, m.cardCount])).toEqual([
      [1, 'retired', false, 1],
      [2, 'active', true, 0],
    ]);
    const audit = await admin.callOk(api.audit.list, { query: { action: 'master.rotated' } });
    expect(audit.items.map((e) => e.details.reason)).toContain('yearly rotation');
    await expectNoKeyOnPage(page);

    // Key source of a profile with random keys: Esc cancels, confirming changes it.
    await choose(profile, 'Contractors');
    const random = page.getByRole('radio', { name: 'A random key per card' });
    const derived = page.getByRole('radio', { name: 'Derived from the profile’s master key' });
    await expect.poll(() => random.isChecked()).toBe(true);
    await page.getByText('No master key yet.', { exact: false }).waitFor();
    expect(await page.getByRole('button', { name: 'Create master key…' }).count()).toBe(1);
    await random.focus();
    await page.keyboard.press('ArrowDown');
    const change = page.getByRole('dialog', { name: 'Change the key source of Contractors' });
    await change.waitFor();
    expect(await change.textContent()).toContain('Cards already issued keep their keys');
    await checkAccessibility(page, 'the key source dialog');
    await page.keyboard.press('Escape');
    await change.waitFor({ state: 'detached' });
    expect(await random.isChecked()).toBe(true);
    const unchanged = await admin.callOk(api.profiles.get, { params: { id: randomId } });
    expect(unchanged.adminKeySource).toBe('random');
    await derived.click();
    await change.getByRole('button', { name: 'Change key source' }).click();
    await page.getByRole('status').getByText('Key source changed.').waitFor();
    await expect.poll(() => derived.isChecked()).toBe(true);
    const changed = await admin.callOk(api.profiles.get, { params: { id: randomId } });
    expect(changed.adminKeySource).toBe('derived');

    // Card profiles links to each profile's master keys.
    await page.getByRole('link', { name: 'Card profiles' }).click();
    await page.getByRole('link', { name: 'Master keys Staff (derived)' }).click();
    await page.getByRole('heading', { name: 'Master keys', level: 1 }).waitFor();
    await expect
      .poll(() => profile.evaluate((el) => (el as HTMLSelectElement).selectedOptions[0]?.text))
      .toBe('Staff (derived)');
    await expect.poll(() => versionRows(page)).toHaveLength(2);
    await context.close();
    expect(pageErrors).toEqual([]);
  });

  it('"Issue a card" on a user’s page tells the operator the command to run', async () => {
    const { context, page } = await signInAsAdmin();
    await page.getByRole('textbox', { name: 'User Lookup' }).pressSequentially('dana');
    await page.getByRole('link', { name: 'dana', exact: true }).click();
    await page.getByRole('heading', { name: 'User Information' }).waitFor();
    const opener = page.getByRole('button', { name: 'Issue a card' });
    await opener.click();
    const dialog = page.getByRole('dialog', { name: 'Issue a card to dana' });
    await dialog.waitFor();
    await choose(dialog.getByRole('combobox', { name: 'Card profile' }), 'Staff (derived)');
    const command = dialog.getByTestId('issue-command');
    await expect
      .poll(() => command.textContent())
      .toBe(`cardwarden-unlock issue --server ${server.url} --user dana --profile 'Staff (derived)' --pin`);
    expect(await dialog.textContent()).toContain('run it again with the same card');
    await checkAccessibility(page, 'the Issue a card dialog');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    await expect.poll(() => opener.evaluate((el) => el === document.activeElement)).toBe(true);
    await context.close();
    expect(pageErrors).toEqual([]);
  });
});
