/** Data most tests need, made through the public API as a user would. */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll } from 'vitest';
import type { ApiClient } from './api-client.js';
import { createTestDatabase, type DatabaseKind, type TestDatabase } from './test-database.js';
import { ADMIN, startTestServer, type TestServer, type TestServerOptions } from './test-server.js';
import { api as routes, pathTo, type CardType, type OperatorRole } from '@cardwarden/contract';
import type { AdminKeyAlgorithm } from '@cardwarden/protocol/admin-key';

export const TPM_DEFAULT_KEY = '010203040506070801020304050607080102030405060708';

export interface Fixture {
  readonly admin: ApiClient;
  readonly operator: ApiClient;
  readonly supervisor: ApiClient;
  readonly auditor: ApiClient;
  readonly operatorName: string;
  readonly profileId: string;
  readonly profileName: string;
  readonly userId: string;
  readonly username: string;
  readonly cardId: string;
  readonly serial: string;
}

export function unique(prefix: string): string {
  return `${prefix}-${randomBytes(4).toString('hex')}`;
}

function expectStatus(response: { status: number; text: string }, status: number, what: string): void {
  if (response.status !== status)
    throw new Error(`${what}: expected ${status}, got ${response.status} ${response.text}`);
}

export async function createOperator(
  admin: ApiClient,
  role: OperatorRole,
): Promise<{ client: ApiClient; username: string }> {
  const username = unique(role);
  const password = `${username} long password`;
  expectStatus(
    await admin.call(routes.operators.create, { body: { username, password, role } }),
    201,
    `create ${role}`,
  );
  return { client: await admin.login(username, password), username };
}

export async function registerCard(
  admin: ApiClient,
  options: {
    username: string;
    profile: string;
    algorithm?: AdminKeyAlgorithm;
    key?: string;
    serial?: string;
    type?: CardType;
  },
): Promise<{ id: string; serial: string; kcv: string }> {
  const serial = options.serial ?? unique('CARD').toUpperCase();
  const response = await admin.call(routes.cards.create, {
    body: {
      serial,
      username: options.username,
      profile: options.profile,
      type: options.type ?? 'gids',
      adminKey: { algorithm: options.algorithm ?? '3des', key: options.key ?? TPM_DEFAULT_KEY },
    },
  });
  expectStatus(response, 201, 'register card');
  return { id: response.body.id, serial, kcv: response.body.adminKeyKcv };
}

/**
 * The body that registers a GIDS card with `adminKey` to the fixture's user under its profile, with
 * `extra` fields over it: for tests that read the raw answer (a generated key, a refusal).
 */
export function cardRegistration(
  f: Pick<Fixture, 'username' | 'profileName'>,
  serial: string,
  adminKey: unknown,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return { serial, username: f.username, profile: f.profileName, type: 'gids', adminKey, ...extra };
}

/** A profile with operator offline unblock on, a user, a card with the TPM default key, and staff. */
export async function createFixture(
  api: ApiClient,
  profile: Record<string, unknown> = { useCases: { operatorOfflineUnblock: true } },
): Promise<Fixture> {
  const admin = await api.login(ADMIN.username, ADMIN.password);
  const profileName = unique('profile');
  // The profile's fields are the caller's, checked by the server: a test may send what the schema refuses.
  const createdProfile = await admin.post<{ id: string }>(pathTo(routes.profiles.create), {
    name: profileName,
    ...profile,
  });
  expectStatus(createdProfile, 201, 'create profile');
  const username = unique('user');
  const user = await admin.call(routes.users.create, {
    body: { username, displayName: `Test ${username}`, email: `${username}@example.org` },
  });
  expectStatus(user, 201, 'create user');
  const card = await registerCard(admin, { username, profile: profileName });
  const [operator, supervisor, auditor] = await Promise.all([
    createOperator(admin, 'operator'),
    createOperator(admin, 'supervisor'),
    createOperator(admin, 'auditor'),
  ]);
  return {
    admin,
    operator: operator.client,
    operatorName: operator.username,
    supervisor: supervisor.client,
    auditor: auditor.client,
    profileId: createdProfile.body.id,
    profileName,
    userId: user.body.id,
    username,
    cardId: card.id,
    serial: card.serial,
  };
}

/**
 * Starts a server with the standard fixture before the suite's tests and closes it after them, handing
 * both to `receive` (usually `(started) => ({ server, f } = started)` into the suite's own variables).
 */
export function useServerWithFixture(
  kind: DatabaseKind,
  receive: (started: { server: TestServer; f: Fixture }) => void,
  options?: TestServerOptions,
): void {
  useServerWith(kind, createFixture, receive, options);
}

/** Like `useServerWithFixture`, with the fixture `makeFixture` makes through the server's API. */
export function useServerWith<F>(
  kind: DatabaseKind,
  makeFixture: (api: ApiClient) => Promise<F>,
  receive: (started: { server: TestServer; f: F }) => void,
  options?: TestServerOptions,
): void {
  let server: TestServer | undefined;
  beforeAll(async () => {
    server = await startTestServer(kind, options);
    receive({ server, f: await makeFixture(server.api) });
  });
  afterAll(async () => {
    await server?.close();
  });
}

/**
 * Two server instances on one PostgreSQL database sharing the KEK, as a load-balanced installation runs,
 * with a fixture made through the first: for the suites that check that a count or a lock holds across
 * instances. Hands them to `receive` like `useServerWith`.
 */
export function useTwoInstancesWith<F>(
  makeFixture: (api: ApiClient) => Promise<F>,
  receive: (started: { first: TestServer; second: TestServer; f: F }) => void,
): void {
  let database: TestDatabase | undefined;
  let first: TestServer | undefined;
  let second: TestServer | undefined;
  beforeAll(async () => {
    database = await createTestDatabase('postgres');
    first = await startTestServer('postgres', { database });
    second = await startTestServer('postgres', { database, kekFile: first.kekFile });
    receive({ first, second, f: await makeFixture(first.api) });
  });
  afterAll(async () => {
    await second?.close();
    await first?.close();
    await database?.drop();
  });
}
