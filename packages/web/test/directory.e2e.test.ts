/**
 * The admin console's Directory page end to end: the real built server configured with a real slapd
 * (both on loopback), driven in Debian's Chromium by accessible names as an admin would: read the
 * settings, test the connection, preview a sync, sync, and see where accounts came from.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { describeWith } from '@cardwarden/integration-tests/system-parts';
import {
  BASE_DN,
  ROOT_DN,
  ROOT_PASSWORD,
  startSlapd,
  type TestSlapd,
} from '@cardwarden/integration-tests/slapd';
import { checkAccessibility } from './support/accessibility.js';
import { launchChromium } from './support/browser.js';
import { ensureBuilt } from './support/build.js';
import { ADMIN, startWebServer, type ServerProcess } from './support/server.js';

const PEOPLE = `ou=people,${BASE_DN}`;
const GROUPS = `ou=groups,${BASE_DN}`;
const PEOPLE_COUNT = 6;

function seedLdif(): string {
  const ous = ['people', 'groups']
    .map((ou) => `dn: ou=${ou},${BASE_DN}\nobjectClass: organizationalUnit\nou: ${ou}\n\n`)
    .join('');
  const people = Array.from({ length: PEOPLE_COUNT }, (_, i) =>
    [
      `dn: uid=person${String(i)},${PEOPLE}`,
      'objectClass: inetOrgPerson',
      `uid: person${String(i)}`,
      `cn: Person ${String(i)}`,
      `sn: ${String(i)}`,
      `displayName: Directory Person ${String(i)}`,
      `mail: person${String(i)}@example.org`,
      '',
      '',
    ].join('\n'),
  ).join('');
  return ous + people;
}

describeWith(['chromium', 'slapd'], 'the Directory page in Chromium', () => {
  let slapd: TestSlapd;
  let server: ServerProcess;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    ensureBuilt();
    slapd = await startSlapd(seedLdif());
    // Added through LDAP, not slapadd: the memberof overlay then gives person1 its memberOf.
    const client = await slapd.admin();
    try {
      await client.add(`cn=helpdesk,${GROUPS}`, {
        objectClass: 'groupOfNames',
        cn: 'helpdesk',
        member: [`uid=person1,${PEOPLE}`],
      });
    } finally {
      await client.unbind();
    }
    const passwordFile = join(slapd.dir, 'bind-password');
    writeFileSync(passwordFile, `${ROOT_PASSWORD}\n`, { mode: 0o600 });
    server = await startWebServer({
      env: {
        CARDWARDEN_LDAP_URL: slapd.url,
        CARDWARDEN_LDAP_BIND_DN: ROOT_DN,
        CARDWARDEN_LDAP_BIND_PASSWORD_FILE: passwordFile,
        CARDWARDEN_LDAP_BASE_DN: PEOPLE,
        CARDWARDEN_LDAP_GROUP_BASE_DN: GROUPS,
        CARDWARDEN_LDAP_USER_FILTER: '(objectClass=inetOrgPerson)',
        CARDWARDEN_LDAP_GROUP_ROLES: `cn=helpdesk,${GROUPS}=operator`,
      },
    });
    browser = await launchChromium();
    const context = await browser.newContext({
      viewport: { width: 1280, height: 900 },
      baseURL: server.url,
      reducedMotion: 'reduce',
    });
    page = await context.newPage();
    page.setDefaultTimeout(15_000);
  }, 120_000);

  afterAll(async () => {
    await (browser as Browser | undefined)?.close();
    await (server as ServerProcess | undefined)?.stop();
    await (slapd as TestSlapd | undefined)?.stop();
  });

  it('an admin reads the settings, tests the connection, previews and runs a sync', async () => {
    await page.goto('/');
    await page.getByLabel('Username').fill(ADMIN.username);
    await page.getByLabel('Password').fill(ADMIN.password);
    await page.keyboard.press('Enter');
    await page.getByRole('link', { name: 'Directory' }).click();
    await page.getByRole('heading', { name: 'Directory', level: 1 }).waitFor();

    const settings = page.getByRole('table', { name: 'Connection' });
    await expect
      .poll(() => settings.getByRole('row', { name: /Service account/ }).innerText())
      .toContain(ROOT_DN);
    await expect.poll(() => settings.innerText()).toContain(PEOPLE);
    expect(await page.content()).not.toContain(ROOT_PASSWORD);
    await expect
      .poll(() => page.getByRole('table', { name: 'Staff roles from groups' }).innerText())
      .toMatch(/cn=helpdesk.*\s+operator/);
    await expect.poll(() => page.getByText('Cardholders: 0 from the directory').count()).toBe(1);
    await checkAccessibility(page, 'directory page');

    await page.getByRole('button', { name: 'Test connection' }).click();
    await page.getByText('The connection works').waitFor();
    const sample = page.getByRole('table', { name: 'Users as they would be synced' });
    await expect.poll(() => sample.getByRole('row').count()).toBe(1 + 5);
    await expect.poll(() => sample.innerText()).toContain('Directory Person');
    await checkAccessibility(page, 'directory connection test');

    await page.getByRole('button', { name: 'Preview changes' }).click();
    await page.getByText('Nothing was changed').waitFor();
    const changes = page.getByRole('table', { name: 'Changes a sync would make' });
    await expect.poll(() => changes.getByRole('row', { name: /new cardholder/ }).count()).toBe(PEOPLE_COUNT);
    await expect
      .poll(() => changes.getByRole('row', { name: /person1 .*new staff account.*operator/ }).count())
      .toBe(1);
    await checkAccessibility(page, 'directory preview');

    await page.getByRole('button', { name: 'Sync now' }).click();
    await page.getByText('Sync done.').waitFor();
    await page.getByText(`Last sync:`).waitFor();
    await expect
      .poll(() => page.getByText(`Cardholders: ${String(PEOPLE_COUNT)} from the directory`).count())
      .toBe(1);
    await checkAccessibility(page, 'directory after a sync');
  });

  it('directory accounts show where they came from, and their synced fields are read-only', async () => {
    await page.getByRole('link', { name: 'Users' }).click();
    await page.getByRole('searchbox', { name: 'Filter users' }).fill('person2');
    const row = page.getByRole('row', { name: /person2/ });
    await expect.poll(() => row.innerText()).toMatch(/directory/);
    // Their password is the directory's: no button to set one.
    await expect.poll(() => row.getByRole('button', { name: /Set self-service password/ }).count()).toBe(0);
    await row.getByRole('button', { name: /Edit/ }).click();
    const dialog = page.getByRole('dialog');
    await expect.poll(() => dialog.getByLabel('Display name').isDisabled()).toBe(true);
    await expect.poll(() => dialog.getByText('From the directory: change it there.').count()).toBe(1);
    await checkAccessibility(page, 'edit a directory user');
    await page.keyboard.press('Escape');

    await page.getByRole('link', { name: 'Operators' }).click();
    const staff = page.getByRole('row', { name: /person1/ });
    await expect.poll(() => staff.innerText()).toMatch(/operator[\s\S]*directory/);
    await expect.poll(() => staff.getByRole('button').count()).toBe(0);
    await checkAccessibility(page, 'operators with directory staff');
  });
});
