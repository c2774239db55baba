/**
 * The admin console's Import page end to end, as an admin uses it: the real built server and Debian's
 * Chromium, choosing a file through the file chooser, a dry run with a bad line, the line report, a
 * good file imported with progress, and the inventory export (which never holds a key). axe-core checks
 * each state of the page.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { describeWith } from '@cardwarden/integration-tests/system-parts';
import { ApiClient } from '@cardwarden/integration-tests/api-client';
import { checkAccessibility } from './support/accessibility.js';
import { launchChromium } from './support/browser.js';
import { ensureBuilt } from './support/build.js';
import { ADMIN, startWebServer, type ServerProcess } from './support/server.js';
import { api } from '@cardwarden/contract';

const HEADER = 'username,display_name,email,serial,type,profile,algorithm,key';

describeWith(['chromium'], 'admin console: import and inventory export', () => {
  let server: ServerProcess;
  let browser: Browser;
  let dir: string;
  const pageErrors: string[] = [];
  const keys = [randomBytes(16).toString('hex'), randomBytes(24).toString('hex')];
  const serials = ['IMPE2E-0001', 'IMPE2E-0002'];

  beforeAll(async () => {
    ensureBuilt();
    server = await startWebServer();
    const admin = await new ApiClient(server.url).login(ADMIN.username, ADMIN.password);
    await admin.callOk(api.profiles.create, { body: { name: 'imported' } });
    browser = await launchChromium();
    dir = mkdtempSync(join(tmpdir(), 'cardwarden-import-e2e-'));
  });

  afterAll(async () => {
    await (browser as Browser | undefined)?.close();
    await (server as ServerProcess | undefined)?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Chooses `path` through the file chooser the "CSV or JSON file" button opens, as a person would. */
  async function chooseFile(page: Page, path: string): Promise<void> {
    const [chooser] = await Promise.all([
      page.waitForEvent('filechooser'),
      page.getByRole('button', { name: 'CSV or JSON file' }).click(),
    ]);
    await chooser.setFiles(path);
  }

  it('checks a file, shows every bad line, imports a good file and exports the inventory', async () => {
    const bad = join(dir, 'bad.csv');
    writeFileSync(
      bad,
      `${HEADER}\nann,Ann Smith,ann@example.org,${serials[0] ?? ''},gids,imported,aes128,${keys[0] ?? ''}\n` +
        `bob,Bob Jones,bob@example.org,IMPE2E-0003,gids,nowhere,aes128,${keys[0] ?? ''}\n`,
    );
    const good = join(dir, 'good.csv');
    writeFileSync(
      good,
      `${HEADER}\nann,Ann Smith,ann@example.org,${serials[0] ?? ''},gids,imported,aes128,${keys[0] ?? ''}\n` +
        `ann,Ann Smith,ann@example.org,${serials[1] ?? ''},piv,imported,aes192,${keys[1] ?? ''}\n`,
    );

    const context = await browser.newContext({ baseURL: server.url, reducedMotion: 'reduce' });
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto('/');
    await page.getByLabel('Username').fill(ADMIN.username);
    await page.getByLabel('Password').fill(ADMIN.password);
    await page.keyboard.press('Enter');
    await page.getByRole('link', { name: 'Import' }).click();
    await page.getByRole('heading', { name: 'Import cards' }).waitFor();
    await checkAccessibility(page, 'the empty Import page');

    await chooseFile(page, bad);
    await page.getByRole('button', { name: 'Dry run' }).click();
    const report = page.getByRole('table', { name: 'Problems by line' });
    await report.waitFor();
    await expect.poll(() => report.getByRole('row').count()).toBe(2);
    const row = report.getByRole('row').nth(1);
    expect(await row.textContent()).toContain('3');
    expect(await row.textContent()).toContain('no card profile is named "nowhere"');
    expect(await page.getByRole('alert').first().textContent()).toContain('Nothing was imported');
    expect(await page.getByRole('button', { name: 'Import', exact: true }).isDisabled()).toBe(true);
    await checkAccessibility(page, 'the line report');

    await chooseFile(page, good);
    await page.getByRole('button', { name: 'Dry run' }).click();
    await page.getByText('The file is good').waitFor();
    expect(await page.getByText('creates 1 new users and 2 cards').count()).toBe(1);
    // Keyboard: Tab from the dry run reaches Import, Enter starts it.
    await page.getByRole('button', { name: 'Dry run' }).focus();
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await page.getByText('Imported 1 new users and 2 cards.').waitFor();
    await checkAccessibility(page, 'the import result');

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Export inventory' }).click(),
    ]);
    const saved = join(dir, 'inventory.csv');
    await download.saveAs(saved);
    const inventory = readFileSync(saved, 'utf8');
    expect(inventory.split('\n')[0]).toContain('serial,type,state,username');
    for (const serial of serials) expect(inventory).toContain(serial);
    for (const key of keys) expect(inventory.toLowerCase()).not.toContain(key);
    await context.close();
    expect(pageErrors).toEqual([]);
  });
});
