/**
 * The portals end to end: the real built server (own data directory, free port) and Debian's Chromium,
 * driven by accessible names as a person (or the acceptance check) would. Data is seeded through the
 * REST API; expected responses are computed here with node:crypto, independently of the server.
 * With CARDWARDEN_SCREENSHOTS=1 it also writes the screenshots in docs/screenshots.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import type { Browser, Locator, Page } from 'playwright-core';
import { describeWith } from '@cardwarden/integration-tests/system-parts';
import { ApiClient } from '@cardwarden/integration-tests/api-client';
import { checkAccessibility } from './support/accessibility.js';
import { choose, SHOTS, shot } from './support/screens.js';
import { launchChromium } from './support/browser.js';
import { PageSet } from './support/pages.js';
import { ensureBuilt } from './support/build.js';
import { tripleDesResponse } from './support/expected-response.js';
import { ADMIN, startWebServer, type ServerProcess } from './support/server.js';
import { api as routes, ErrorBody, pathTo, withQuery } from '@cardwarden/contract';

const KNOWN_KEY = '010203040506070801020304050607080102030405060708';
/** The key check value of a 3DES key: E_K(0…0), first 3 bytes, computed here and not by the server. */
function kcvOf(key: string): string {
  return tripleDesResponse(key, '0000000000000000').slice(0, 6);
}
const OPERATOR = { username: 'olivia', password: 'olivia help desk password', role: 'operator' } as const;
const SUPERVISOR = { username: 'sam', password: 'sam supervisor password', role: 'supervisor' } as const;
const HOLDER_PASSWORD = 'dave self-service password';

interface Seeded {
  alice: { id: string; cardId: string; serial: string };
  bob: { id: string; cardId: string; serial: string };
  carol: { id: string; cardId: string; serial: string; key: string };
  dave: { id: string; cardId: string; serial: string; key: string };
  eve: { id: string; cardId: string };
}

function randomKey(): string {
  return randomBytes(24).toString('hex').toUpperCase();
}

/** A random 8-byte challenge, as the card's unblock screen would show it. */
function randomChallenge(): string {
  return randomBytes(8).toString('hex').toUpperCase();
}

async function createUser(admin: ApiClient, username: string, displayName: string): Promise<string> {
  const user = await admin.callOk(routes.users.create, {
    body: { username, displayName, email: `${username}@example.org` },
  });
  return user.id;
}

async function registerCard(
  admin: ApiClient,
  username: string,
  serial: string,
  profile: string,
  key: string,
): Promise<string> {
  const card = await admin.callOk(routes.cards.create, {
    body: { serial, username, profile, type: 'minidriver', adminKey: { algorithm: '3des', key } },
  });
  return card.id;
}

interface Cardholder {
  readonly id: string;
  readonly cardId: string;
  readonly serial: string;
  readonly key: string;
  readonly password: string;
  /** The cardholder's own sign-in to the API, as self-service uses it. */
  readonly api: ApiClient;
}

/** A user with a self-service password and one card of `profile`, whose key the test knows. */
async function createCardholder(
  admin: ApiClient,
  username: string,
  serial: string,
  profile: string,
): Promise<Cardholder> {
  const id = await createUser(
    admin,
    username,
    `${username[0]?.toUpperCase() ?? ''}${username.slice(1)} Tester`,
  );
  const key = randomKey();
  const cardId = await registerCard(admin, username, serial, profile, key);
  const password = `${username} self-service password`;
  await admin.callOk(routes.users.setPassword, { params: { id }, body: { password } });
  const api = await new ApiClient(admin.baseUrl).login(username, password, pathTo(routes.selfService.login));
  return { id, cardId, serial, key, password, api };
}

/** Adds catalogue questions (admin); returns their ids by text. */
async function addQuestions(admin: ApiClient, texts: readonly string[]): Promise<Record<string, string>> {
  const ids: Record<string, string> = {};
  for (const text of texts) {
    ids[text] = (await admin.callOk(routes.securityQuestions.create, { body: { text } })).id;
  }
  return ids;
}

async function seed(admin: ApiClient): Promise<Seeded> {
  for (const operator of [OPERATOR, SUPERVISOR])
    await admin.callOk(routes.operators.create, { body: operator });
  await admin.callOk(routes.profiles.create, {
    body: {
      name: 'Standard',
      description: 'Help desk and self-service unblock',
      useCases: { operatorOfflineUnblock: true, selfServiceOfflineUnblock: true },
      adminKeyAttemptLimit: 3,
      pinRules: { minLength: 6, maxLength: 8, digitsOnly: true },
    },
  });
  await admin.callOk(routes.profiles.create, {
    body: { name: 'Kiosk', description: 'No unblock enabled yet' },
  });
  const user = (username: string, displayName: string) => createUser(admin, username, displayName);
  const card = (username: string, serial: string, profile: string, key: string) =>
    registerCard(admin, username, serial, profile, key);
  const carolKey = randomKey();
  const daveKey = randomKey();
  const seeded: Seeded = {
    alice: { id: await user('alice', 'Alice Archer'), cardId: '', serial: 'CW-1001-A7' },
    bob: { id: await user('bob', 'Bob Baker'), cardId: '', serial: 'CW-2002-B3' },
    carol: { id: await user('carol', 'Carol Cole'), cardId: '', serial: 'CW-3003-C5', key: carolKey },
    dave: { id: await user('dave', 'Dave Dunn'), cardId: '', serial: 'CW-4004-D1', key: daveKey },
    eve: { id: await user('eve', 'Eve Evans'), cardId: '' },
  };
  seeded.alice.cardId = await card('alice', seeded.alice.serial, 'Standard', KNOWN_KEY);
  seeded.bob.cardId = await card('bob', seeded.bob.serial, 'Kiosk', randomKey());
  seeded.carol.cardId = await card('carol', seeded.carol.serial, 'Standard', carolKey);
  seeded.dave.cardId = await card('dave', seeded.dave.serial, 'Standard', daveKey);
  seeded.eve.cardId = await card('eve', 'CW-5005-E9', 'Standard', randomKey());
  await admin.callOk(routes.users.setPassword, {
    params: { id: seeded.dave.id },
    body: { password: HOLDER_PASSWORD },
  });
  return seeded;
}

describeWith(['chromium'], 'web portals in Chromium', () => {
  let server: ServerProcess;
  let browser: Browser;
  let admin: ApiClient;
  let data: Seeded;
  const pages = new PageSet();

  beforeAll(async () => {
    ensureBuilt();
    server = await startWebServer();
    admin = await new ApiClient(server.url).login(ADMIN.username, ADMIN.password);
    data = await seed(admin);
    browser = await launchChromium();
    if (SHOTS) mkdirSync(SHOTS, { recursive: true });
  });

  afterEach(() => {
    expect(pages.takeErrors()).toEqual([]);
  });

  afterAll(async () => {
    await pages.close();
    await (browser as Browser | undefined)?.close();
    await (server as ServerProcess | undefined)?.stop();
  });

  const newPage = (): Promise<Page> => pages.newPage(browser, server.url);

  /** Whether `locator` has the keyboard focus. */
  const isFocused = (locator: Locator) => locator.evaluate((element) => element === document.activeElement);

  async function signIn(page: Page, path: string, username: string, password: string): Promise<void> {
    await page.goto(path);
    // Loose matching, as an acceptance check might use: each label must find exactly one field.
    await page.getByLabel('Username').fill(username);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
  }

  async function openUser(page: Page, username: string): Promise<void> {
    await page.getByRole('textbox', { name: 'User Lookup' }).fill(username);
    await page.getByRole('link', { name: username, exact: true }).click();
    await page.getByRole('heading', { name: 'User Information' }).waitFor();
  }

  it('an operator finds a user, generates the response for a challenge typed with spaces and lower case, and records the outcome', async () => {
    const page = await newPage();
    await page.goto('/');
    await shot(page, '01-sign-in');
    await signIn(page, '/', OPERATOR.username, OPERATOR.password);
    const lookup = page.getByRole('textbox', { name: 'User Lookup' });
    await lookup.waitFor();
    await lookup.fill('ali');
    await page.getByRole('link', { name: 'alice', exact: true }).waitFor();
    await shot(page, '02-user-lookup');
    // Search by card serial finds the card's user too.
    await lookup.fill('cw-3003');
    await page.getByRole('link', { name: 'carol', exact: true }).waitFor();
    await lookup.fill('alice');
    await page.getByRole('link', { name: 'alice', exact: true }).click();
    await page.getByRole('heading', { name: 'User Information' }).waitFor();
    await expect.poll(() => page.getByText('Alice Archer').count()).toBeGreaterThan(0);
    await shot(page, '03-user-information');

    const opener = page.getByRole('button', { name: 'Generate Offline Unblock' });
    await opener.click();
    const challenge = page.getByRole('textbox', { name: 'Challenge' });
    await challenge.waitFor();
    await expect.poll(() => challenge.evaluate((el) => el === document.activeElement)).toBe(true);
    const generate = page.getByRole('button', { name: 'Generate Response' });

    // Incomplete: the button stays disabled and the field says how far along it is.
    await page.getByLabel('Ticket number').fill('INC-4711');
    await challenge.fill('0557 897f 8d84');
    expect(await generate.isDisabled()).toBe(true);
    await page.getByText('12 of 16 characters').waitFor();
    await shot(page, '04-challenge-incomplete');
    // A character that is not hex is named with its position; look-alikes are read and shown.
    await challenge.fill('0557 897f 8d84 4X7b');
    await page.getByText('“X” at position 17 is not a hex digit').waitFor();
    expect(await generate.isDisabled()).toBe(true);
    await challenge.fill('O557 897f 8d84 4o7b');
    await page.getByText('Read “O” at position 1 as 0.').waitFor();
    await page.getByText('Read “o” at position 17 as 0.').waitFor();

    await challenge.fill('0557 897f 8d84-407b');
    await page.getByText('16 of 16 characters — complete').waitFor();
    await page
      .getByText(
        'zero five five seven, eight nine seven foxtrot, eight delta eight four, four zero seven bravo',
      )
      .waitFor();
    expect(await generate.isEnabled()).toBe(true);
    await shot(page, '05-challenge-read-back');
    await generate.click();

    const response = page.getByRole('status', { name: 'Response' });
    await response.waitFor();
    const expected = tripleDesResponse(KNOWN_KEY, '0557897F8D84407B');
    expect(expected).toBe('7716F4B2D7214EB2');
    // The groups of four, as read out; and nothing else in the element.
    expect(await response.textContent()).toBe('7716F4B2D7214EB2');
    expect(await page.getByLabel('Response').innerText()).toBe('7716F4B2D7214EB2');
    await page
      .getByText('seven seven one six, foxtrot four bravo two, delta seven two one, four echo bravo two')
      .waitFor();
    await page.getByText('Admin-key attempts left after this response: 2').waitFor();
    await shot(page, '06-response');

    await page.getByRole('button', { name: 'Unblocked', exact: true }).click();
    await page.getByText('Recorded: the card was unblocked').waitFor();
    // What the server counts after the unblock, not what the operator saw before it.
    await page.getByText('The server now counts 3 of 3 admin-key attempts left for this card.').waitFor();
    await shot(page, '07-outcome-recorded');
    await page.getByRole('button', { name: 'Close' }).click();
    // Focus goes back to the button that opened the dialog.
    await expect.poll(() => isFocused(opener)).toBe(true);

    // The server recorded the response and the outcome, with the ticket, under this operator.
    const audit = await admin.callOk(routes.audit.list, { query: { cardId: data.alice.cardId } });
    const mine = audit.items.filter((event) => event.actor === OPERATOR.username);
    expect(mine.some((event) => /response/.test(event.action))).toBe(true);
    expect(mine.some((event) => /outcome|unblocked/.test(event.action))).toBe(true);
    expect(mine.some((event) => event.ticket === 'INC-4711')).toBe(true);
    const card = await admin.callOk(routes.cards.get, { params: { id: data.alice.cardId } });
    expect(card.adminKey.attemptsRemaining).toBe(3);
  });

  it('keeps Generate Offline Unblock disabled, with the reason, where the profile disables the use case; Cancel closes the dialog', async () => {
    const page = await newPage();
    await signIn(page, '/', OPERATOR.username, OPERATOR.password);
    await openUser(page, 'bob');
    const button = page.getByRole('button', { name: 'Generate Offline Unblock' });
    await button.waitFor();
    expect(await button.isDisabled()).toBe(true);
    await page.getByText('Offline unblock is disabled in the card’s profile').waitFor();
    await shot(page, '08-use-case-disabled');

    // Card Search opens the same card view, with Unblock card remote.
    await page.getByRole('link', { name: 'Card Search' }).click();
    await page.getByRole('textbox', { name: 'Card serial' }).fill('cw-1001');
    await page.getByRole('link', { name: data.alice.serial }).click();
    const remote = page.getByRole('button', { name: 'Unblock card remote' });
    await remote.click();
    await page.getByRole('textbox', { name: 'Challenge' }).fill('0557 897f');
    await page.getByRole('button', { name: 'Cancel' }).click();
    await page.getByRole('dialog').waitFor({ state: 'detached' });
    await shot(page, '09-card-search');
  });

  it('the last attempt needs a supervisor, who approves from their own sign-in', async () => {
    // Two failed responses through the API leave carol's card at its last attempt.
    const operator = await new ApiClient(server.url).login(OPERATOR.username, OPERATOR.password);
    for (let i = 0; i < 2; i++) {
      const session = await operator.callOk(routes.offlineUnblocks.start, {
        params: { id: data.carol.cardId },
        body: {},
      });
      await operator.callOk(routes.offlineUnblocks.response, {
        params: { id: session.id },
        body: { challenge: randomChallenge() },
      });
      await operator.callOk(routes.offlineUnblocks.outcome, {
        params: { id: session.id },
        body: { result: 'failed' },
      });
    }

    const page = await newPage();
    await signIn(page, '/', OPERATOR.username, OPERATOR.password);
    await openUser(page, 'carol');
    await page.getByText('Only one attempt left: a supervisor must approve it.').waitFor();
    await page.getByRole('button', { name: 'Generate Offline Unblock' }).click();
    const challengeHex = randomChallenge();
    await page
      .getByRole('textbox', { name: 'Challenge' })
      .fill(challengeHex.toLowerCase().replace(/(.{4})/g, '$1 '));
    const generate = page.getByRole('button', { name: 'Generate Response' });
    await page.getByText('Last attempt', { exact: true }).waitFor();
    expect(await generate.isDisabled()).toBe(true);
    await page.getByRole('button', { name: 'Ask a supervisor to approve' }).click();
    await page.getByText('Waiting for a supervisor’s approval').waitFor();
    expect(await generate.isDisabled()).toBe(true);
    await shot(page, '10-waiting-for-approval');

    // The operator cannot approve their own request.
    const waiting = await operator.callOk(routes.offlineUnblocks.list, {
      query: { awaitingApproval: 'true' },
    });
    const request = waiting.items.find((session) => session.cardId === data.carol.cardId);
    expect(request).toBeDefined();
    const own = await operator.call(routes.offlineUnblocks.approve, {
      params: { id: request!.id },
      body: {},
    });
    expect(own.status).toBe(403);

    const supervisorPage = await newPage();
    await signIn(supervisorPage, '/', SUPERVISOR.username, SUPERVISOR.password);
    await supervisorPage.getByRole('link', { name: /Approvals/ }).click();
    await supervisorPage.getByRole('cell', { name: data.carol.serial, exact: true }).waitFor();
    // Who waits, on which card, for whom, since when; the name leads to the user.
    const row = supervisorPage.getByRole('row').filter({ hasText: data.carol.serial });
    await row.getByRole('cell', { name: OPERATOR.username, exact: true }).waitFor();
    await row.getByText('less than a minute').waitFor();
    expect(await row.getByRole('link', { name: 'Carol Cole' }).getAttribute('href')).toBe(
      `/users/${data.carol.id}`,
    );
    await shot(supervisorPage, '11-approvals');
    await supervisorPage.getByRole('button', { name: `Approve ${data.carol.serial}` }).click();
    await supervisorPage.getByText('Approved: the operator can now generate the response.').waitFor();

    await page.getByText(`Approved by ${SUPERVISOR.username}.`).waitFor({ timeout: 10_000 });
    expect(await generate.isEnabled()).toBe(true);
    await generate.click();
    const response = page.getByRole('status', { name: 'Response' });
    await response.waitFor();
    expect((await response.textContent())?.replace(/\s/g, '')).toBe(
      tripleDesResponse(data.carol.key, challengeHex),
    );
    await page.getByText('Admin-key attempts left after this response: 0').waitFor();
    await page.getByRole('button', { name: 'Failed', exact: true }).click();
    await page.getByText('Recorded: the response did not work.').waitFor();
    await page.getByRole('button', { name: 'Close' }).click();
    // The card refused its last attempt: its admin key is blocked, and the page says who can help.
    await page.getByText('admin key is blocked: the cardholder needs a replacement card').waitFor();
  });

  it('an admin enables a use case on a profile, and the help desk can then unblock its cards', async () => {
    const page = await newPage();
    await signIn(page, '/', ADMIN.username, ADMIN.password);
    await page.getByRole('link', { name: 'Card profiles' }).click();
    await page.getByRole('button', { name: 'Edit Kiosk', exact: true }).click();
    const operatorUseCase = page.getByRole('switch', { name: 'Operator offline unblock' });
    expect(await operatorUseCase.isChecked()).toBe(false);
    await operatorUseCase.check();
    await shot(page, '12-admin-profile');
    await page.getByRole('button', { name: 'Save profile' }).click();
    await page.getByRole('dialog').waitFor({ state: 'detached' });
    await shot(page, '13-admin-profiles');

    const profiles = await admin.callOk(routes.profiles.list);
    const kiosk = profiles.items.find((profile) => profile.name === 'Kiosk');
    expect(kiosk?.useCases).toEqual({
      operatorOfflineUnblock: true,
      selfServiceOfflineUnblock: false,
      onlineUnlock: false,
    });

    const operatorPage = await newPage();
    await signIn(operatorPage, '/', OPERATOR.username, OPERATOR.password);
    await openUser(operatorPage, 'bob');
    const button = operatorPage.getByRole('button', { name: 'Generate Offline Unblock' });
    await expect.poll(() => button.isEnabled()).toBe(true);
  });

  it('an admin registers a card in one step with the key already on it, its KCV shown as the key is typed, and reads the audit log', async () => {
    const page = await newPage();
    await signIn(page, '/', ADMIN.username, ADMIN.password);
    await page.getByRole('link', { name: 'Cards', exact: true }).click();
    const open = page.getByRole('button', { name: 'Register…' });
    await open.click();
    const dialog = page.getByRole('dialog', { name: 'Register a card' });
    await dialog.getByLabel(/serial/i).waitFor();
    // Esc closes the dialog, and the focus is back on Register….
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    await expect.poll(() => isFocused(open)).toBe(true);

    await open.click();
    // The page behind an open dialog is inert: only the dialog's own Register… is there to press.
    await dialog.getByLabel(/serial/i).waitFor();
    expect(await page.getByRole('button', { name: 'Register…' }).count()).toBe(1);
    // The acceptance check's loose labels each find exactly one field.
    await dialog.getByLabel(/serial/i).fill('CW-6006-F2');
    await dialog.getByLabel(/username|card holder/i).pressSequentially('eve');
    expect(await dialog.getByLabel('(hex)').count()).toBe(1);
    // Several profiles: nothing is chosen for the admin, and the dialog says what is still needed.
    const register = dialog.getByRole('button', { name: 'Register…' });
    expect(await register.isDisabled()).toBe(true);
    await dialog.getByText('Still needed: card profile, the complete admin key.').waitFor();
    await choose(dialog.getByLabel('Card profile'), 'Standard');
    const key = dialog.getByRole('textbox', { name: 'Admin key (hex)' });
    await key.pressSequentially(KNOWN_KEY.slice(0, 20));
    await dialog.getByText('20 of 48 hex digits').waitFor();
    await key.pressSequentially(KNOWN_KEY.slice(20));
    // The KCV of the key as typed, to compare with the card's before anything is saved.
    await dialog.getByText(`Key check value (KCV): ${kcvOf(KNOWN_KEY)}`).waitFor();
    await shot(page, '28-admin-register-card');
    await register.click();
    await dialog.waitFor({ state: 'detached' });
    await page
      .getByRole('status')
      .getByText(`Key check value (KCV): ${kcvOf(KNOWN_KEY)}`)
      .waitFor();
    expect(await page.content()).not.toContain(KNOWN_KEY);
    const cards = await admin.callOk(routes.cards.list, { query: { serial: 'CW-6006-F2' } });
    expect(cards.items).toMatchObject([{ serial: 'CW-6006-F2', adminKey: { kcv: kcvOf(KNOWN_KEY) } }]);
    await shot(page, '14-admin-cards');

    await page.getByRole('link', { name: 'Audit log' }).click();
    await page.getByLabel('Operator').fill(OPERATOR.username);
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.getByText(/\d+ events/).waitFor();
    await page.getByRole('cell', { name: OPERATOR.username }).first().waitFor();
    await shot(page, '15-audit-log');
    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Export CSV' }).click();
    expect((await download).suggestedFilename()).toBe('cardwarden-audit.csv');

    // The action filter offers the audit vocabulary: typed to search, one action picked from the list.
    await page.getByLabel('Operator').fill('');
    const action = page.getByPlaceholder('Any action');
    await action.fill('card.reg');
    await page.getByRole('option', { name: 'card.registered · Card registered' }).click();
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.waitForURL(/action=card\.registered/);
    await page.getByRole('cell', { name: 'card.registered' }).first().waitFor();
    expect(await page.getByRole('cell', { name: /^(auth|operator|user)\./ }).count()).toBe(0);
  });

  it('an admin creates a user, sets their self-service password, suspends them, and adds an operator', async () => {
    const page = await newPage();
    await signIn(page, '/', ADMIN.username, ADMIN.password);
    await page.getByRole('link', { name: 'Users', exact: true }).click();
    await page.getByRole('button', { name: 'New user' }).click();
    const form = page.getByRole('dialog');
    await form.getByLabel('Username').fill('grace');
    await form.getByLabel('Display name').fill('Grace Green');
    await form.getByLabel('Email').fill('grace@example.org');
    await checkAccessibility(page, 'new user');
    await form.getByRole('button', { name: 'Save user' }).click();
    await page.getByText('User saved.').waitFor();
    await page.getByRole('button', { name: 'Set self-service password: grace' }).click();
    await page
      .getByRole('dialog')
      .getByLabel('New self-service password')
      .fill('grace self-service password');
    await checkAccessibility(page, 'set self-service password');
    await page.getByRole('dialog').getByRole('button', { name: 'Save password' }).click();
    await page.getByText('Self-service password set.').waitFor();
    // Suspending asks first.
    await page.getByRole('button', { name: 'Suspend grace' }).click();
    const suspend = page.getByRole('dialog', { name: 'Suspend Grace Green?' });
    await suspend.getByText('nobody can unblock this user’s cards').waitFor();
    await checkAccessibility(page, 'suspend user');
    await suspend.getByRole('button', { name: 'Suspend' }).click();
    await suspend.waitFor({ state: 'detached' });
    await page.getByRole('button', { name: 'Activate grace' }).waitFor();
    await shot(page, '20-admin-users');
    const users = await admin.callOk(routes.users.list, { query: { q: 'grace' } });
    expect(users.items).toMatchObject([{ username: 'grace', state: 'suspended', selfServicePassword: true }]);

    await page.getByRole('link', { name: 'Operators' }).click();
    await page.getByRole('button', { name: 'New operator' }).click();
    const create = page.getByRole('dialog', { name: 'New operator' });
    // The dialog speaks of the operator, not of a cardholder.
    await create.getByText('Give it to the operator in person').waitFor();
    await create.getByLabel('Username').fill('hank');
    await create.getByLabel('Initial password').fill('hank help desk password');
    await choose(create.getByLabel('Role'), 'supervisor');
    await checkAccessibility(page, 'new operator');
    await create.getByRole('button', { name: 'Create operator' }).click();
    await page.getByRole('cell', { name: 'hank', exact: true }).waitFor();
    expect(await page.getByLabel('Role of hank').inputValue()).toBe('supervisor');
    const hank = await new ApiClient(server.url).login('hank', 'hank help desk password');
    expect((await hank.callOk(routes.auth.me)).role).toBe('supervisor');

    // hank forgot his password: the admin resets it and reads the one-time password, once.
    const reset = page.getByRole('button', { name: 'Reset password of hank' });
    await reset.click();
    const confirm = page.getByRole('dialog', { name: 'Reset the password of hank?' });
    await confirm.getByRole('button', { name: 'Reset password' }).click();
    const shown = page.getByRole('dialog', { name: 'One-time password for hank' });
    const oneTime = (await shown.getByTestId('one-time-password').textContent()) ?? '';
    expect(oneTime.length).toBeGreaterThanOrEqual(12);
    await shown.getByRole('button', { name: 'Copy password' }).waitFor();
    await shot(page, '29-one-time-password');
    await shown.getByRole('button', { name: 'Close' }).last().click();
    await shown.waitFor({ state: 'detached' });
    await expect.poll(() => isFocused(reset)).toBe(true);
    expect(await page.content()).not.toContain(oneTime);
    // His old sign-in ended.
    expect((await hank.call(routes.auth.me)).status).toBe(401);

    // hank signs in with it and is taken straight to Change password; then the help desk opens.
    const hankPage = await newPage();
    await signIn(hankPage, '/', 'hank', oneTime);
    await hankPage.getByRole('heading', { name: 'Change password' }).waitFor();
    await hankPage.getByText('Your password was reset by an administrator').waitFor();
    expect(await hankPage.getByRole('link', { name: 'User Lookup' }).count()).toBe(0);
    await shot(hankPage, '30-change-password-required');
    await hankPage.getByLabel('Current password').fill(oneTime);
    await hankPage.getByLabel('New password', { exact: true }).fill('hank own new password');
    await hankPage.getByLabel('Repeat the new password').fill('hank own new password');
    await hankPage.getByRole('button', { name: 'Change password' }).click();
    await hankPage.getByRole('textbox', { name: 'User Lookup' }).waitFor();
    await new ApiClient(server.url).login('hank', 'hank own new password');
    expect(
      (
        await new ApiClient(server.url).call(routes.auth.login, {
          body: { username: 'hank', password: oneTime },
        })
      ).status,
    ).toBe(401);

    // grace is suspended: with her right password, self-service says so instead of "wrong password".
    const gracePage = await newPage();
    await signIn(gracePage, '/self-service', 'grace', 'grace self-service password');
    await gracePage.getByText('Your account is suspended: contact your administrator.').waitFor();
  });

  it('a cardholder unblocks their own card in self-service, and cannot reach anyone else’s card', async () => {
    const page = await newPage();
    await page.goto('/self-service');
    await shot(page, '16-self-service-sign-in');
    await signIn(page, '/self-service', 'dave', HOLDER_PASSWORD);
    await page.getByRole('heading', { name: 'My cards' }).waitFor();
    await page.getByText(data.dave.serial).waitFor();
    expect(await page.getByText('CW-5005-E9').count()).toBe(0);
    await shot(page, '17-self-service-my-cards');
    await page.getByRole('button', { name: 'Unblock PIN offline' }).click();
    const challengeHex = randomChallenge();
    const challenge = page.getByRole('textbox', { name: 'Challenge' });
    await challenge.fill(challengeHex.slice(0, 10).toLowerCase());
    const generate = page.getByRole('button', { name: 'Generate Response' });
    expect(await generate.isDisabled()).toBe(true);
    await challenge.fill(challengeHex.toLowerCase().replace(/(.{4})(?!$)/g, '$1 '));
    // The cardholder checks what they typed; there is no caller to read back to.
    await page.getByText('What you typed').waitFor();
    expect(await page.getByText('Read back to the caller').count()).toBe(0);
    await generate.click();
    const response = page.getByRole('status', { name: 'Response' });
    await response.waitFor();
    expect((await response.textContent())?.replace(/\s/g, '')).toBe(
      tripleDesResponse(data.dave.key, challengeHex),
    );
    await page.getByText('Then choose a new PIN: 6 to 8 characters, digits only.').waitFor();
    await shot(page, '18-self-service-response');
    await page.getByRole('button', { name: 'It worked' }).click();
    await page.getByText('your card is unblocked').waitFor();
    await page.getByRole('button', { name: 'Close' }).click();

    // The cardholder's own token reaches nothing of anyone else's.
    const dave = await new ApiClient(server.url).login(
      'dave',
      HOLDER_PASSWORD,
      pathTo(routes.selfService.login),
    );
    const other = await dave.call(routes.selfService.offlineUnblock, {
      params: { id: data.eve.cardId },
      body: { challenge: randomChallenge() },
    });
    expect([403, 404]).toContain(other.status);
    // Admin routes, with a cardholder's token: the types would let them through, the server must not.
    for (const path of [
      pathTo(routes.users.get, { id: data.eve.id }),
      pathTo(routes.cards.get, { id: data.eve.cardId }),
      withQuery(pathTo(routes.users.list), { q: 'eve' }),
    ]) {
      expect([403, 404]).toContain((await dave.get(path)).status);
    }
    const mine = await dave.callOk(routes.selfService.cards);
    expect(mine.items.map((card) => card.id)).toEqual([data.dave.cardId]);
  });

  it('self-service does not spend a card’s last attempt: it says to call the help desk', async () => {
    const card = await admin.callOk(routes.cards.create, {
      body: {
        serial: 'CW-7007-G4',
        username: 'dave',
        profile: 'Standard',
        type: 'gids',
        adminKey: { algorithm: '3des', generate: true },
      },
    });
    const operator = await new ApiClient(server.url).login(OPERATOR.username, OPERATOR.password);
    for (let i = 0; i < 2; i++) {
      const session = await operator.callOk(routes.offlineUnblocks.start, {
        params: { id: card.id },
        body: {},
      });
      await operator.callOk(routes.offlineUnblocks.response, {
        params: { id: session.id },
        body: { challenge: randomChallenge() },
      });
      await operator.callOk(routes.offlineUnblocks.outcome, {
        params: { id: session.id },
        body: { result: 'failed' },
      });
    }
    const page = await newPage();
    await signIn(page, '/self-service', 'dave', HOLDER_PASSWORD);
    const tile = page.getByRole('region', { name: 'CW-7007-G4' });
    await tile.getByText('only one unblock attempt left').waitFor();
    expect(await tile.getByRole('button', { name: 'Unblock PIN offline' }).count()).toBe(0);
    // The API refuses it too, with its own code.
    const dave = await new ApiClient(server.url).login(
      'dave',
      HOLDER_PASSWORD,
      pathTo(routes.selfService.login),
    );
    const refused = await dave.call(routes.selfService.offlineUnblock, {
      params: { id: card.id },
      body: { challenge: randomChallenge() },
    });
    expect(refused.status).toBe(409);
    expect(ErrorBody.parse(refused.body).error.code).toBe('self_service.last_attempt');
  });

  it('self-service does not offer Unblock PIN offline where the profile disables it', async () => {
    await admin.callOk(routes.users.update, { params: { id: data.bob.id }, body: { state: 'active' } });
    await admin.callOk(routes.users.setPassword, {
      params: { id: data.bob.id },
      body: { password: 'bob self-service password' },
    });
    const page = await newPage();
    await signIn(page, '/self-service', 'bob', 'bob self-service password');
    await page.getByText(data.bob.serial).waitFor();
    await page.getByText('Unblock PIN offline is not offered for this card.').waitFor();
    expect(await page.getByRole('button', { name: 'Unblock PIN offline' }).count()).toBe(0);
  });

  it('a cardholder sets their security answers in self-service, and online unlock accepts them', async () => {
    const CITY = 'In which city did your parents meet?';
    const CAR = 'What was the make of your first car?';
    const OWN = 'Which band did I see at my first concert?';
    await addQuestions(admin, [CITY, CAR]);
    await admin.callOk(routes.profiles.create, {
      body: {
        name: 'Online',
        useCases: { onlineUnlock: true },
        securityQuestions: { required: 2, asked: 2, maxFailedAttempts: 3, validateInOfflineUnblock: false },
      },
    });
    await admin.callOk(routes.securityQuestions.updateSettings, { body: { allowCustom: true } });
    const ivy = await createCardholder(admin, 'ivy', 'CW-9009-J2', 'Online');

    const page = await newPage();
    await signIn(page, '/self-service', 'ivy', ivy.password);
    await page.getByRole('navigation').getByRole('link', { name: 'Security questions' }).click();
    await page.getByRole('heading', { name: 'Security questions', level: 1 }).waitFor();
    await page.getByText('Your cards need answers to at least 2 questions.').waitFor();
    await page.getByText('You have not answered any security question yet.').waitFor();

    const question = (n: number) => page.getByLabel(`Question ${n}`, { exact: true });
    const answer = (n: number) => page.getByLabel(`Answer ${n}`, { exact: true });
    // Validation as you type: too short, the same question twice, the same answer twice.
    await choose(question(1), CITY);
    await answer(1).fill('ab');
    await page.getByText('At least 3 characters.').waitFor();
    await answer(1).fill('Vienna');
    await choose(question(2), CITY);
    await page.getByText('You chose this question already: choose another one.').waitFor();
    await choose(question(2), CAR);
    await answer(2).fill('  VIENNA ');
    await page.getByText('Give a different answer to each question.').waitFor();
    await page.getByText('1 of 2 answers ready; at least 2 needed.').waitFor();
    await shot(page, '22-self-service-answers-validation');
    await answer(2).fill('Beetle');
    // A question of one's own, where the admin allows it.
    await page.getByRole('button', { name: 'Add another question' }).click();
    await choose(question(3), 'Write my own question');
    await page.getByLabel('Your own question 3').fill(OWN);
    await answer(3).fill('The Rolling Stones');
    await page.getByText('3 of 3 answers ready; at least 2 needed.').waitFor();
    expect(await answer(1).getAttribute('type')).toBe('password');
    await page.getByRole('button', { name: 'Save answers' }).click();
    // This installation sends no email, so the page promises none.
    await page
      .getByText('Your security answers are saved. If you did not make this change, call the help desk.')
      .waitFor();
    expect(await page.getByText(/email/i).count()).toBe(0);
    const answered = page.getByRole('table', { name: 'Your answered questions' });
    for (const text of [CITY, CAR, OWN]) await answered.getByText(text).waitFor();
    // Never shown back: the form starts again with the questions and empty answers.
    expect(await answer(1).inputValue()).toBe('');
    expect(await page.content()).not.toMatch(/Vienna|Beetle|Rolling Stones/);
    await page.evaluate(() => {
      window.scrollTo(0, 0);
    });
    await shot(page, '21-self-service-security-questions');
    await admin.callOk(routes.securityQuestions.updateSettings, { body: { allowCustom: false } });

    // The workstation's online unlock takes these answers (compared without case or extra spaces).
    const workstation = new ApiClient(server.url);
    const session = await workstation.callOk(routes.onlineUnlock.start, { body: { cardSerial: ivy.serial } });
    expect(session.questions).toHaveLength(2);
    const said: Record<string, string> = { [CITY]: ' vienna', [CAR]: 'BEETLE', [OWN]: 'the rolling  stones' };
    const challengeHex = randomChallenge();
    const unlocked = await workstation.callOk(routes.onlineUnlock.response, {
      params: { id: session.id },
      body: {
        answers: session.questions.map((q) => ({ questionId: q.id, answer: said[q.text] ?? '' })),
        challenge: challengeHex,
      },
    });
    expect(unlocked.response).toBe(tripleDesResponse(ivy.key, challengeHex));
    await workstation.callOk(routes.onlineUnlock.outcome, {
      params: { id: session.id },
      body: { result: 'unblocked' },
    });
  });

  it('an admin keeps the question catalogue and turns on the help desk’s check; the operator cannot get a response before the right answers', async () => {
    const PET = 'What was the name of your first pet?';
    const COLOUR = 'What is your favourite colour?';
    await admin.callOk(routes.profiles.create, {
      body: {
        name: 'Checked',
        useCases: { operatorOfflineUnblock: true },
        securityQuestions: { required: 1, asked: 1, maxFailedAttempts: 5, validateInOfflineUnblock: false },
      },
    });
    const frank = await createCardholder(admin, 'frank', 'CW-8008-H6', 'Checked');

    const page = await newPage();
    await signIn(page, '/', ADMIN.username, ADMIN.password);
    await page.getByRole('navigation').getByRole('link', { name: 'Security questions' }).click();
    await page.getByRole('heading', { name: 'Security questions' }).waitFor();
    const newQuestion = page.getByRole('textbox', { name: 'New question' });
    const add = page.getByRole('button', { name: 'Add question' });
    await newQuestion.fill('Pet?');
    await page.getByText('At least 5 characters.').waitFor();
    expect(await add.isDisabled()).toBe(true);
    await newQuestion.fill(PET);
    await add.click();
    await page.getByText('Question added.').waitFor();
    await page.getByRole('cell', { name: PET, exact: true }).waitFor();
    // Reword, retire and restore.
    await newQuestion.fill('What is your favorite color?');
    await add.click();
    await page.getByRole('button', { name: 'Reword: What is your favorite color?' }).click();
    await page.getByRole('dialog').getByLabel('Question text').fill(COLOUR);
    await checkAccessibility(page, 'reword question');
    await page.getByRole('dialog').getByRole('button', { name: 'Save question' }).click();
    await page.getByRole('dialog').waitFor({ state: 'detached' });
    await page.getByRole('button', { name: `Retire: ${COLOUR}` }).click();
    await page.getByRole('button', { name: `Restore: ${COLOUR}` }).waitFor();
    await page.getByRole('row').filter({ hasText: COLOUR }).getByText('retired').waitFor();
    // Allow cardholders to write their own questions: switched over, then back.
    const allowCustom = page.getByRole('switch', { name: 'Allow cardholders to write their own questions' });
    const settings = async () => (await admin.callOk(routes.securityQuestions.list)).allowCustom;
    const before = await settings();
    expect(await allowCustom.isChecked()).toBe(before);
    await allowCustom.click();
    await expect.poll(settings).toBe(!before);
    await shot(page, '23-admin-security-questions');
    await allowCustom.click();
    await expect.poll(settings).toBe(before);
    const catalogue = await admin.callOk(routes.securityQuestions.list);
    expect(catalogue.items.find((q) => q.text === COLOUR)?.active).toBe(false);
    const pet = catalogue.items.find((q) => q.text === PET);
    expect(pet?.active).toBe(true);

    // The profile: "operators must check security answers"; no more questions asked than answers required.
    await page.getByRole('link', { name: 'Card profiles' }).click();
    await page.getByRole('button', { name: 'Edit Checked', exact: true }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('switch', { name: 'Operators must check security answers' }).check();
    await dialog.getByRole('textbox', { name: 'Questions asked' }).fill('2');
    await dialog.getByText('At most the number of answers required.').waitFor();
    expect(await dialog.getByRole('button', { name: 'Save profile' }).isDisabled()).toBe(true);
    await dialog.getByRole('textbox', { name: 'Questions asked' }).fill('1');
    await dialog.getByRole('textbox', { name: 'Wrong answers before lockout' }).fill('4');
    await dialog.getByRole('heading', { name: /Edit: Checked/ }).waitFor();
    await shot(page, '24-admin-profile-security-questions');
    await dialog.getByRole('button', { name: 'Save profile' }).click();
    await dialog.waitFor({ state: 'detached' });
    const profiles = await admin.callOk(routes.profiles.list);
    expect(profiles.items.find((profile) => profile.name === 'Checked')?.securityQuestions).toEqual({
      required: 1,
      asked: 1,
      maxFailedAttempts: 4,
      validateInOfflineUnblock: true,
    });

    await frank.api.callOk(routes.securityQuestions.setMyAnswers, {
      body: { answers: [{ questionId: pet!.id, answer: 'Rex the dog' }] },
    });
    // The API refuses a response before the check, whatever the client.
    const operator = await new ApiClient(server.url).login(OPERATOR.username, OPERATOR.password);
    const direct = await operator.callOk(routes.offlineUnblocks.start, {
      params: { id: frank.cardId },
      body: {},
    });
    const refused = await operator.call(routes.offlineUnblocks.response, {
      params: { id: direct.id },
      body: { challenge: randomChallenge() },
    });
    expect(ErrorBody.parse(refused.body).error.code).toBe('offline_unblock.identity_required');
    await operator.callOk(routes.offlineUnblocks.cancel, { params: { id: direct.id } });

    const helpDesk = await newPage();
    await signIn(helpDesk, '/', OPERATOR.username, OPERATOR.password);
    await openUser(helpDesk, 'frank');
    // Told before starting: the card view says the answers come first, and so does the dialog; the tries
    // left before a lockout are on User Information.
    await helpDesk.getByText('The caller’s security answers are checked first.').waitFor();
    await helpDesk.getByText('Identity check: 4 tries left before lockout').waitFor();
    await helpDesk.getByRole('button', { name: 'Generate Offline Unblock' }).click();
    await helpDesk.getByText('This card’s profile requires the caller’s security answers').waitFor();
    const challengeHex = randomChallenge();
    await helpDesk.getByRole('textbox', { name: 'Challenge' }).fill(challengeHex);
    const generate = helpDesk.getByRole('button', { name: 'Generate Response' });
    await helpDesk.getByRole('button', { name: 'Ask the security questions' }).click();
    const petAnswer = helpDesk.getByRole('textbox', { name: PET });
    await petAnswer.waitFor();
    await expect.poll(() => petAnswer.evaluate((el) => el === document.activeElement)).toBe(true);
    expect(await generate.isDisabled()).toBe(true);
    await shot(helpDesk, '25-identity-check-questions');
    await petAnswer.fill('Felix the cat');
    await helpDesk.getByRole('button', { name: 'Check answers' }).click();
    await helpDesk.getByText('The security answers are not right.').waitFor();
    expect(await generate.isDisabled()).toBe(true);
    expect(await helpDesk.getByRole('status', { name: 'Response' }).count()).toBe(0);
    await petAnswer.fill('  rex THE dog');
    await helpDesk.getByRole('button', { name: 'Check answers' }).click();
    await helpDesk.getByText('Identity checked: the answers are right.').waitFor();
    await shot(helpDesk, '19-identity-check');
    await generate.click();
    const response = helpDesk.getByRole('status', { name: 'Response' });
    await response.waitFor();
    expect((await response.textContent())?.replace(/\s/g, '')).toBe(
      tripleDesResponse(frank.key, challengeHex),
    );
    const audit = await admin.callOk(routes.audit.list, {
      query: { cardId: frank.cardId, action: 'identity.' },
    });
    expect(audit.items.map((event) => event.action).sort()).toEqual([
      'identity.check_failed',
      'identity.check_passed',
    ]);
  });

  it('an admin sees a cardholder locked out by wrong answers and clears the lockout; the audit log finds it by username and serial', async () => {
    const STREET = 'What street did you grow up on?';
    const ids = await addQuestions(admin, [STREET]);
    await admin.callOk(routes.profiles.create, {
      body: {
        name: 'Guarded',
        useCases: { onlineUnlock: true },
        securityQuestions: { required: 1, asked: 1, maxFailedAttempts: 2 },
      },
    });
    const kate = await createCardholder(admin, 'kate', 'CW-1010-K8', 'Guarded');
    await kate.api.callOk(routes.securityQuestions.setMyAnswers, {
      body: { answers: [{ questionId: ids[STREET]!, answer: 'Elm Street' }] },
    });
    // Two wrong answers from a workstation lock her out.
    const workstation = new ApiClient(server.url);
    const start = () => workstation.call(routes.onlineUnlock.start, { body: { cardSerial: kate.serial } });
    const session = (await start()).body;
    for (const remaining of [1, 0]) {
      const wrong = await workstation.call(routes.onlineUnlock.response, {
        params: { id: session.id },
        body: {
          answers: [{ questionId: ids[STREET]!, answer: 'Main Street' }],
          challenge: randomChallenge(),
        },
      });
      expect(wrong.status).toBe(401);
      expect(ErrorBody.parse(wrong.body).attemptsRemaining).toBe(remaining);
    }
    expect((await start()).status).toBe(423);

    // The help desk sees the lock, but only an admin may clear it.
    const helpDesk = await newPage();
    await signIn(helpDesk, '/', OPERATOR.username, OPERATOR.password);
    await openUser(helpDesk, 'kate');
    const operatorView = helpDesk.getByTestId('security-answers');
    await operatorView.getByText('locked', { exact: true }).waitFor();
    expect(await operatorView.getByRole('button', { name: 'Clear lockout' }).count()).toBe(0);

    const page = await newPage();
    await signIn(page, '/', ADMIN.username, ADMIN.password);
    await openUser(page, 'kate');
    const status = page.getByTestId('security-answers');
    await status.getByText('1 set').waitFor();
    await status.getByText('Wrong answers: 2').waitFor();
    await status.getByText('locked', { exact: true }).waitFor();
    await shot(page, '26-user-locked-out');
    await status.getByRole('button', { name: 'Clear lockout' }).click();
    const confirm = page.getByRole('dialog', { name: 'Clear the lockout of Kate Tester?' });
    await confirm.getByLabel('Ticket number').fill('INC-5150');
    await shot(page, '27-clear-lockout');
    await confirm.getByRole('button', { name: 'Clear lockout' }).click();
    await confirm.waitFor({ state: 'detached' });
    await status.getByText('Lockout cleared').waitFor();
    await status.getByText('Wrong answers: 0').waitFor();
    expect(await status.getByText('locked', { exact: true }).count()).toBe(0);
    const user = await admin.callOk(routes.users.get, { params: { id: kate.id } });
    expect(user.securityQuestions).toMatchObject({ answersSet: 1, failedAttempts: 0, locked: false });
    expect((await start()).status).toBe(201);

    // The audit log, by the cardholder's username and by the card's serial (any case).
    await page.getByRole('link', { name: 'Audit log', exact: true }).click();
    await page.getByLabel('Cardholder username').fill('kate');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    const cleared = page.getByRole('row', { name: /identity\.lockout_cleared/ });
    await cleared.getByRole('cell', { name: 'INC-5150' }).waitFor();
    await cleared.getByRole('cell', { name: ADMIN.username, exact: true }).waitFor();
    await page.getByLabel('Cardholder username').fill('');
    await page.getByLabel('Card serial').fill(kate.serial.toLowerCase());
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.getByRole('cell', { name: 'online_unlock.answers_wrong' }).first().waitFor();
    expect(await page.getByRole('cell', { name: 'identity.lockout_cleared' }).count()).toBe(0);
  });

  it('the whole operator flow works from the keyboard alone', async () => {
    const page = await newPage();
    const focusedName = () =>
      page.evaluate(() => {
        const element = document.activeElement;
        if (!(element instanceof HTMLElement)) return '';
        const label = element instanceof HTMLInputElement ? element.labels?.[0]?.textContent : null;
        return (label ?? element.getAttribute('aria-label') ?? element.textContent).trim();
      });
    const tabTo = async (name: string) => {
      for (let i = 0; i < 25; i++) {
        if ((await focusedName()) === name) return;
        await page.keyboard.press('Tab');
      }
      throw new Error(`Tab never reached ${name}; focus is on ${await focusedName()}`);
    };
    await page.goto('/');
    await page.getByRole('textbox', { name: 'Username' }).waitFor();
    expect(await focusedName()).toBe('Username');
    await page.keyboard.type(OPERATOR.username);
    await page.keyboard.press('Tab');
    await page.keyboard.type(OPERATOR.password);
    await page.keyboard.press('Enter');
    await page.getByRole('textbox', { name: 'User Lookup' }).waitFor();
    await expect.poll(focusedName).toBe('User Lookup');
    await page.keyboard.type('alice');
    await page.getByRole('link', { name: 'alice', exact: true }).waitFor();
    await tabTo('alice');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'User Information' }).waitFor();
    await tabTo('Generate Offline Unblock');
    await page.keyboard.press('Enter');
    await expect.poll(focusedName).toBe('Challenge');
    await page.keyboard.type('0557 897f 8d84 407b');
    await tabTo('Generate Response');
    await page.keyboard.press('Enter');
    const response = page.getByRole('status', { name: 'Response' });
    await response.waitFor();
    expect((await response.textContent())?.replace(/\s/g, '')).toBe('7716F4B2D7214EB2');
    await tabTo('Unblocked');
    await page.keyboard.press('Enter');
    await page.getByText('Recorded: the card was unblocked').waitFor();
    await page.keyboard.press('Escape');
    await page.getByRole('dialog').waitFor({ state: 'detached' });
  });

  it('a sign-in that ends sends the person back to Sign in', async () => {
    const page = await newPage();
    await signIn(page, '/', OPERATOR.username, OPERATOR.password);
    await page.getByRole('textbox', { name: 'User Lookup' }).waitFor();
    const token = await page.evaluate(() => sessionStorage.getItem('cardwarden.operator.token'));
    expect(token).toBeTruthy();
    await new ApiClient(server.url, token ?? '').callOk(routes.auth.logout);
    await page.getByRole('textbox', { name: 'User Lookup' }).fill('alice');
    await page.getByText('Your sign-in has ended. Please sign in again.').waitFor();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
  });
  it('a generated admin key is shown once, hex and KCV, with a warning, and never again', async () => {
    const page = await newPage();
    await signIn(page, '/', ADMIN.username, ADMIN.password);
    await page.getByRole('link', { name: 'Cards', exact: true }).click();
    await page.getByRole('button', { name: 'Register…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Register a card' });
    await dialog.getByLabel('Card serial').fill('CW-6116-G1');
    await dialog.getByLabel('Username of the card holder').fill('eve');
    await choose(dialog.getByLabel('Card profile'), 'Standard');
    // Entering the key already on the card is the default; generating is a choice.
    expect(await dialog.getByRole('radio', { name: 'Enter the key already on the card' }).isChecked()).toBe(
      true,
    );
    await dialog.getByRole('radio', { name: 'Generate a random key' }).click();
    expect(await dialog.getByLabel('(hex)').count()).toBe(0);
    await dialog.getByRole('button', { name: 'Register…' }).click();

    const shown = page.getByRole('dialog', { name: 'Write this admin key to the card now' });
    await shown.getByText('Shown only this once').waitFor();
    await shown.getByText('the tool that personalises the card').waitFor();
    const key = ((await shown.getByTestId('generated-admin-key').textContent()) ?? '').replace(/\s/g, '');
    expect(key).toMatch(/^[0-9A-F]{48}$/);
    await shown.getByText(`Key check value (KCV): ${kcvOf(key)}`).waitFor();
    await shot(page, '31-generated-admin-key');
    await shown.getByRole('button', { name: 'I have passed the key on' }).click();
    await shown.waitFor({ state: 'detached' });
    await page
      .getByRole('status')
      .getByText(`Key check value (KCV): ${kcvOf(key)}`)
      .waitFor();
    expect(await page.content()).not.toContain(key);
    const card = await admin.callOk(routes.cards.list, { query: { serial: 'CW-6116-G1' } });
    expect(card.items[0]?.adminKey.kcv).toBe(kcvOf(key));
    expect(JSON.stringify(card)).not.toContain(key);
  });

  it('resetting attempts asks for a reason; suspending and revoking a card ask first', async () => {
    const cardId = await registerCard(admin, 'eve', 'CW-6226-R3', 'Standard', randomKey());
    const operator = await new ApiClient(server.url).login(OPERATOR.username, OPERATOR.password);
    const session = await operator.callOk(routes.offlineUnblocks.start, { params: { id: cardId }, body: {} });
    await operator.callOk(routes.offlineUnblocks.response, {
      params: { id: session.id },
      body: { challenge: randomChallenge() },
    });
    await operator.callOk(routes.offlineUnblocks.outcome, {
      params: { id: session.id },
      body: { result: 'failed' },
    });

    const page = await newPage();
    await signIn(page, '/', ADMIN.username, ADMIN.password);
    await page.getByRole('link', { name: 'Cards', exact: true }).click();
    await page.getByLabel('Filter by serial').fill('CW-6226');
    const row = page.getByRole('row').filter({ hasText: 'CW-6226-R3' });
    await row.getByText('2 of 3').waitFor();
    await row.getByRole('button', { name: 'Reset attempts CW-6226-R3' }).click();
    const reset = page.getByRole('dialog', { name: 'Reset the admin-key attempts of card CW-6226-R3?' });
    const confirmReset = reset.getByRole('button', { name: 'Reset attempts' });
    expect(await confirmReset.isDisabled()).toBe(true);
    await reset.getByText('Give a reason to reset the attempts.').waitFor();
    await reset.getByLabel('Reason').fill('Card re-keyed at the service desk');
    await reset.getByLabel('Ticket number').fill('INC-6226');
    await shot(page, '32-reset-attempts');
    await confirmReset.click();
    await reset.waitFor({ state: 'detached' });
    await page.getByText('The admin-key attempts of card CW-6226-R3 were reset.').waitFor();
    await row.getByText('3 of 3').waitFor();
    const audit = await admin.callOk(routes.audit.list, { query: { cardId } });
    const event = audit.items.find((item) => /reset/.test(item.action));
    expect(event?.ticket).toBe('INC-6226');
    expect(JSON.stringify(event?.details)).toContain('Card re-keyed at the service desk');

    // Suspend: asked first; Cancel changes nothing.
    // (The next state down the list is one arrow key away, and the confirmation opens at once.)
    const state = page.getByLabel('New state: CW-6226-R3');
    const pickNext = async () => {
      await state.focus();
      await state.press('ArrowDown');
    };
    await pickNext();
    const suspend = page.getByRole('dialog', { name: 'Suspend card CW-6226-R3?' });
    await suspend.getByRole('button', { name: 'Cancel' }).click();
    await suspend.waitFor({ state: 'detached' });
    expect((await admin.callOk(routes.cards.get, { params: { id: cardId } })).state).toBe('active');
    await expect.poll(() => isFocused(state)).toBe(true);
    await pickNext();
    await checkAccessibility(page, 'suspend card');
    await suspend.getByRole('button', { name: 'Suspend card' }).click();
    await suspend.waitFor({ state: 'detached' });
    await page.getByText('Card CW-6226-R3 is now suspended.').waitFor();
    expect((await admin.callOk(routes.cards.get, { params: { id: cardId } })).state).toBe('suspended');

    // The help desk learns what is wrong and who can fix it.
    const helpDesk = await newPage();
    await signIn(helpDesk, '/', OPERATOR.username, OPERATOR.password);
    await helpDesk.getByRole('textbox', { name: 'User Lookup' }).waitFor();
    await helpDesk.goto(`/cards/${cardId}`);
    await expect
      .poll(() => helpDesk.getByTestId('unblock-reason').textContent())
      .toBe('This card is suspended: an admin can activate it again under Cards.');

    await pickNext();
    const revoke = page.getByRole('dialog', { name: 'Revoke card CW-6226-R3?' });
    await revoke.getByText('out of use for good').waitFor();
    await revoke.getByRole('button', { name: 'Revoke card' }).click();
    await page.getByText('Card CW-6226-R3 is now revoked.').waitFor();
  });

  it('an admin switches offline unblock off for the installation; the help desk and self-service say why', async () => {
    const page = await newPage();
    await signIn(page, '/', ADMIN.username, ADMIN.password);
    await page.getByRole('link', { name: 'Settings' }).click();
    const offline = page.getByRole('switch', { name: 'Offline unblock' });
    expect(await offline.isChecked()).toBe(true);
    await page.getByText('Off: no email is sent.').waitFor();
    try {
      await offline.click();
      await page.getByText('Settings saved.').waitFor();
      await shot(page, '33-admin-settings');
      expect((await admin.callOk(routes.settings.get)).offlineUnblock).toBe(false);

      const helpDesk = await newPage();
      await signIn(helpDesk, '/', OPERATOR.username, OPERATOR.password);
      await openUser(helpDesk, 'alice');
      const button = helpDesk.getByRole('button', { name: 'Generate Offline Unblock' });
      await helpDesk.getByText('An administrator has turned offline unblock off').waitFor();
      expect(await button.isDisabled()).toBe(true);

      const self = await newPage();
      await signIn(self, '/self-service', 'dave', HOLDER_PASSWORD);
      await self
        .getByRole('region', { name: data.dave.serial })
        .getByText('switched off by your administrator')
        .waitFor();
      expect(await self.getByRole('button', { name: 'Unblock PIN offline' }).count()).toBe(0);
    } finally {
      await admin.callOk(routes.settings.update, { body: { offlineUnblock: true } });
    }
  });

  it('staff and cardholders change their own password', async () => {
    await admin.callOk(routes.operators.create, {
      body: { username: 'nina', password: 'nina first password', role: 'operator' },
    });
    const other = await new ApiClient(server.url).login('nina', 'nina first password');
    const page = await newPage();
    await signIn(page, '/', 'nina', 'nina first password');
    await page.getByRole('link', { name: 'Change password' }).click();
    await page.getByRole('heading', { name: 'Change password' }).waitFor();
    const submit = page.getByRole('button', { name: 'Change password' });
    await page.getByLabel('Current password').fill('not my password');
    await page.getByLabel('New password', { exact: true }).fill('nina second password');
    await page.getByLabel('Repeat the new password').fill('nina second passwore');
    await page.getByText('The two new passwords are not the same.').waitFor();
    await page.getByLabel('Repeat the new password').fill('nina second password');
    await submit.click();
    await page.getByText('The current password is not right.').waitFor();
    await page.getByLabel('Current password').fill('nina first password');
    await submit.click();
    await page.getByText('Your password is changed. Your other sign-ins have ended.').waitFor();
    await shot(page, '34-change-password');
    expect((await other.call(routes.auth.me)).status).toBe(401);
    await new ApiClient(server.url).login('nina', 'nina second password');

    const lena = await createCardholder(admin, 'lena', 'CW-1212-L4', 'Standard');
    const self = await newPage();
    await signIn(self, '/self-service', 'lena', lena.password);
    await self.getByRole('navigation').getByRole('link', { name: 'Change password' }).click();
    await self.getByLabel('Current password').fill(lena.password);
    await self.getByLabel('New password', { exact: true }).fill('lena brand new password');
    await self.getByLabel('Repeat the new password').fill('lena brand new password');
    await self.getByRole('button', { name: 'Change password' }).click();
    await self.getByText('Your password is changed.').waitFor();
    await checkAccessibility(self, 'self-service change password');
    await new ApiClient(server.url).login(
      'lena',
      'lena brand new password',
      pathTo(routes.selfService.login),
    );
  });

  it('on an install with one card profile, the profile is chosen and Register… adds the card in one step', async () => {
    const fresh = await startWebServer();
    try {
      const freshAdmin = await new ApiClient(fresh.url).login(ADMIN.username, ADMIN.password);
      await freshAdmin.callOk(routes.profiles.create, { body: { name: 'Only' } });
      await createUser(freshAdmin, 'solo', 'Solo Single');
      const context = await browser.newContext({ baseURL: fresh.url, reducedMotion: 'reduce' });
      pages.track(context);
      const page = await context.newPage();
      page.setDefaultTimeout(15_000);
      await signIn(page, '/admin/cards', ADMIN.username, ADMIN.password);
      await page.getByRole('button', { name: 'Register…' }).click();
      const dialog = page.getByRole('dialog');
      await dialog.getByLabel(/serial/i).pressSequentially('CW-0001-S1');
      await dialog.getByLabel(/username|card holder/i).pressSequentially('solo');
      await expect
        .poll(() =>
          dialog
            .getByLabel('Card profile')
            .evaluate((element) => (element as HTMLSelectElement).selectedOptions[0]?.text),
        )
        .toBe('Only');
      await dialog.getByRole('textbox', { name: 'Admin key (hex)' }).pressSequentially(KNOWN_KEY);
      await dialog.getByRole('button', { name: 'Register…' }).click();
      await dialog.waitFor({ state: 'detached' });
      const cards = await freshAdmin.callOk(routes.cards.list, { query: { serial: 'CW-0001-S1' } });
      expect(cards.items).toMatchObject([{ serial: 'CW-0001-S1', profile: { name: 'Only' } }]);
    } finally {
      await fresh.stop();
    }
  });

  it('an admin registers a card from the keyboard alone', async () => {
    const page = await newPage();
    const focusedLabel = () =>
      page.evaluate(() => {
        const element = document.activeElement;
        if (!(element instanceof HTMLElement)) return '';
        const labelled =
          element instanceof HTMLInputElement || element instanceof HTMLSelectElement
            ? element.labels?.[0]?.textContent
            : null;
        // Without the asterisk Mantine adds to the label of a required field.
        return (labelled ?? element.getAttribute('aria-label') ?? element.textContent)
          .replace(/\s*\*$/, '')
          .trim();
      });
    const tabTo = async (name: string) => {
      for (let i = 0; i < 40; i++) {
        if ((await focusedLabel()) === name) return;
        await page.keyboard.press('Tab');
      }
      throw new Error(`Tab never reached ${name}; focus is on ${await focusedLabel()}`);
    };
    await page.goto('/');
    await page.getByRole('textbox', { name: 'Username' }).waitFor();
    await page.keyboard.type(ADMIN.username);
    await page.keyboard.press('Tab');
    await page.keyboard.type(ADMIN.password);
    await page.keyboard.press('Enter');
    await page.getByRole('textbox', { name: 'User Lookup' }).waitFor();
    await tabTo('Cards');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Cards' }).waitFor();
    await tabTo('Register…');
    await page.keyboard.press('Enter');
    await expect.poll(focusedLabel).toBe('Card serial');
    await page.keyboard.type('CW-7337-K9');
    await page.keyboard.press('Tab');
    await page.keyboard.type('eve');
    await page.keyboard.press('Tab');
    await page.keyboard.type('Standard');
    await tabTo('Admin key (hex)');
    await page.keyboard.type(KNOWN_KEY);
    await page
      .getByText(`Key check value (KCV): ${kcvOf(KNOWN_KEY)}`)
      .first()
      .waitFor();
    await page.keyboard.press('Enter');
    await page.getByRole('dialog').waitFor({ state: 'detached' });
    const cards = await admin.callOk(routes.cards.list, { query: { serial: 'CW-7337-K9' } });
    expect(cards.items).toMatchObject([{ profile: { name: 'Standard' } }]);
  });
});
