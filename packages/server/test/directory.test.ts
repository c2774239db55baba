/**
 * Directory sync and directory sign-in against a real slapd (started per database kind, on loopback):
 * exact counts, idempotence, DN renames, group roles (nested), dry runs, single-flight, self-service and
 * staff sign-in with the directory password, outage, and the plaintext refusal.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeWith } from '@cardwarden/integration-tests/system-parts';
import { eq } from 'drizzle-orm';
import { Attribute, Change, type Client } from 'ldapts';
import { ConfigError, loadConfig, type Config } from '../src/config.js';
import { users } from '../src/db/schema.js';
import { DirectoryUnavailable, LdapDirectory } from '../src/directory/ldap-directory.js';
import type { ApiClient } from '@cardwarden/integration-tests/api-client';
import { BASE_DN, ROOT_DN, startSlapd, type TestSlapd } from '@cardwarden/integration-tests/slapd';
import {
  ADMIN,
  forEachDatabase,
  startTestServer,
  type TestServer,
} from '@cardwarden/integration-tests/test-server';
import { createTestDatabase, type TestDatabase } from '@cardwarden/integration-tests/test-database';
import { api, pathTo } from '@cardwarden/contract';

const USERS = 200;
const PEOPLE = `ou=people,${BASE_DN}`;
const GROUPS = `ou=groups,${BASE_DN}`;
const GUID = Buffer.from('00112233445566778899aabbccddeeff', 'hex');

const name = (i: number) => `user${String(i).padStart(3, '0')}`;
const passwordOf = (i: number) => `Directory-pw-${String(i)}!`;
const dnOf = (i: number) => `uid=${name(i)},${PEOPLE}`;
const groupDn = (cn: string) => `cn=${cn},${GROUPS}`;

/** Every 20th user is disabled (userAccountControl 514 = NORMAL_ACCOUNT | ACCOUNTDISABLE). */
function userLdif(i: number): string {
  return [
    `dn: ${dnOf(i)}`,
    'objectClass: inetOrgPerson',
    'objectClass: cardwardenAdUser',
    `uid: ${name(i)}`,
    `cn: User ${String(i)}`,
    `sn: ${String(i)}`,
    `sAMAccountName: ${name(i)}`,
    `displayName: User Number ${String(i)}`,
    `mail: ${name(i)}@example.org`,
    `userPassword: ${passwordOf(i)}`,
    `userAccountControl: ${i % 20 === 0 ? '514' : '512'}`,
    // One entry with an AD-style binary objectGUID: it is keyed on that, the others on entryUUID.
    ...(i === 10 ? [`objectGUID:: ${GUID.toString('base64')}`] : []),
    '',
    '',
  ].join('\n');
}

function seed(): string {
  const ous = ['people', 'groups']
    .map((ou) => `dn: ou=${ou},${BASE_DN}\nobjectClass: organizationalUnit\nou: ${ou}\n\n`)
    .join('');
  return ous + Array.from({ length: USERS }, (_, i) => userLdif(i)).join('');
}

async function addGroup(client: Client, cn: string, members: string[]): Promise<void> {
  await client.add(groupDn(cn), { objectClass: 'groupOfNames', cn, member: members });
}

async function modify(slapd: TestSlapd, dn: string, type: string, values: string[]): Promise<void> {
  const client = await slapd.admin();
  try {
    await client.modify(
      dn,
      new Change({ operation: 'replace', modification: new Attribute({ type, values }) }),
    );
  } finally {
    await client.unbind();
  }
}

function directoryEnv(slapd: TestSlapd, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const passwordFile = join(slapd.dir, 'bind-password');
  writeFileSync(passwordFile, 'root-secret\n', { mode: 0o600 });
  return {
    CARDWARDEN_LDAP_URL: slapd.url,
    CARDWARDEN_LDAP_BIND_DN: ROOT_DN,
    CARDWARDEN_LDAP_BIND_PASSWORD_FILE: passwordFile,
    CARDWARDEN_LDAP_BASE_DN: PEOPLE,
    CARDWARDEN_LDAP_GROUP_BASE_DN: GROUPS,
    CARDWARDEN_LDAP_USER_FILTER: '(objectClass=inetOrgPerson)',
    CARDWARDEN_LDAP_PAGE_SIZE: '50',
    CARDWARDEN_LDAP_GROUP_ROLES: `${groupDn('cw-admins')}=admin;${groupDn('helpdesk')}=operator;${groupDn('auditors')}=auditor`,
    ...extra,
  };
}

function directoryConfig(env: NodeJS.ProcessEnv): Config['directory'] {
  return loadConfig(env, '/').directory;
}

describe('directory settings', () => {
  const base = {
    CARDWARDEN_LDAP_BASE_DN: BASE_DN,
  };
  it('refuses plain ldap:// to another host, unless plaintext is allowed or StartTLS is on', () => {
    expect(() => loadConfig({ ...base, CARDWARDEN_LDAP_URL: 'ldap://ldap.example.org' }, '/')).toThrow(
      ConfigError,
    );
    expect(() => loadConfig({ ...base, CARDWARDEN_LDAP_URL: 'ldap://ldap.example.org' }, '/')).toThrow(
      /in clear/,
    );
    for (const allowed of [
      { CARDWARDEN_LDAP_URL: 'ldap://ldap.example.org', CARDWARDEN_LDAP_ALLOW_PLAINTEXT: 'true' },
      { CARDWARDEN_LDAP_URL: 'ldap://ldap.example.org', CARDWARDEN_LDAP_STARTTLS: 'true' },
      { CARDWARDEN_LDAP_URL: 'ldaps://ldap.example.org' },
      { CARDWARDEN_LDAP_URL: 'ldap://127.0.0.1:3389' },
      { CARDWARDEN_LDAP_URL: 'ldap://[::1]:3389' },
    ]) {
      expect(loadConfig({ ...base, ...allowed }, '/').directory?.url).toBe(allowed.CARDWARDEN_LDAP_URL);
    }
    // The client refuses too, whatever built its settings.
    const plain = loadConfig(
      { ...base, CARDWARDEN_LDAP_URL: 'ldap://ldap.example.org', CARDWARDEN_LDAP_ALLOW_PLAINTEXT: 'true' },
      '/',
    ).directory;
    if (!plain) throw new Error('no directory settings');
    expect(() => new LdapDirectory({ ...plain, allowPlaintext: false })).toThrow(/refusing plain LDAP/);
  });

  it('reads the bind password from its file, and names the file when it cannot', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cardwarden-ldap-config-'));
    try {
      writeFileSync(join(dir, 'pw'), 's3cret-from-file\n');
      const env = {
        ...base,
        CARDWARDEN_LDAP_URL: 'ldaps://x',
        CARDWARDEN_LDAP_BIND_DN: 'cn=svc,dc=x',
        CARDWARDEN_LDAP_BIND_PASSWORD_FILE: 'pw',
      };
      expect(loadConfig(env, dir).directory?.bindPassword).toBe('s3cret-from-file');
      expect(() => loadConfig({ ...env, CARDWARDEN_LDAP_BIND_PASSWORD_FILE: 'missing' }, dir)).toThrow(
        /CARDWARDEN_LDAP_BIND_PASSWORD_FILE missing cannot be read \(ENOENT\)/,
      );
      expect(() => loadConfig({ ...env, CARDWARDEN_LDAP_BIND_PASSWORD_FILE: '' }, dir)).toThrow(
        /put its password in a file/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reads group roles as pairs or JSON, and names a bad role', () => {
    const roles = loadConfig(
      {
        ...base,
        CARDWARDEN_LDAP_URL: 'ldaps://x',
        CARDWARDEN_LDAP_GROUP_ROLES: 'CN=Admins, DC=example,DC=org=admin',
      },
      '/',
    ).directory?.groupRoles;
    expect([...(roles ?? [])]).toEqual([['cn=admins,dc=example,dc=org', 'admin']]);
    const json = loadConfig(
      { ...base, CARDWARDEN_LDAP_URL: 'ldaps://x', CARDWARDEN_LDAP_GROUP_ROLES: '{"cn=a,dc=x":"auditor"}' },
      '/',
    ).directory?.groupRoles;
    expect(json?.get('cn=a,dc=x')).toBe('auditor');
    expect(() =>
      loadConfig(
        { ...base, CARDWARDEN_LDAP_URL: 'ldaps://x', CARDWARDEN_LDAP_GROUP_ROLES: 'cn=a,dc=x=root' },
        '/',
      ),
    ).toThrow(/role among admin, supervisor, operator, auditor/);
    expect(() => loadConfig({ CARDWARDEN_LDAP_URL: 'ldaps://x' }, '/')).toThrow(/CARDWARDEN_LDAP_BASE_DN/);
  });
});

forEachDatabase('directory sync and sign-in', (kind) => {
  describeWith(['slapd'], 'against a real slapd', () => {
    let slapd: TestSlapd;
    let server: TestServer;
    let admin: ApiClient;
    const sync = (query = '') => admin.post(`${pathTo(api.directory.sync)}${query}`);
    const counts = (body: Record<string, unknown>) => ({
      created: body.created,
      updated: body.updated,
      suspended: body.suspended,
      unchanged: body.unchanged,
    });

    beforeAll(async () => {
      slapd = await startSlapd(seed());
      const client = await slapd.admin();
      try {
        // Nested: tier2 is a member of helpdesk, so tier2's members are operators.
        await addGroup(client, 'tier2', [dnOf(3)]);
        await addGroup(client, 'helpdesk', [dnOf(2), groupDn('tier2')]);
        await addGroup(client, 'cw-admins', [dnOf(1)]);
        await addGroup(client, 'auditors', [dnOf(4)]);
      } finally {
        await client.unbind();
      }
      server = await startTestServer(kind, { config: { directory: directoryConfig(directoryEnv(slapd)) } });
      admin = await server.api.login(ADMIN.username, ADMIN.password);
      // A hand-typed user with a directory username: the sync adopts it.
      const local = await admin.post(pathTo(api.users.create), {
        username: name(5),
        displayName: 'Typed By Hand',
        email: 'typo@example.org',
      });
      expect(local.status).toBe(201);
      await admin.post(pathTo(api.users.create), {
        username: 'local-only',
        displayName: 'Local',
        email: 'l@example.org',
      });
    }, 120_000);

    afterAll(async () => {
      await server.close();
      await slapd.stop();
    });

    it('a dry run reports what a sync would do and writes nothing', async () => {
      const before = await admin.get<{ total: number }>(pathTo(api.users.list));
      const preview = await sync('?dryRun=true');
      expect(preview.status).toBe(200);
      expect(counts(preview.body)).toEqual({ created: USERS - 1, updated: 1, suspended: 0, unchanged: 0 });
      expect(preview.body.dryRun).toBe(true);
      // Account by account: the adopted local user's synced fields, new users, new staff with their role.
      const changes = preview.body.changes as {
        kind: string;
        username: string;
        fields: string[];
        role?: string;
      }[];
      expect(changes).toContainEqual({ kind: 'update', username: name(5), fields: ['displayName', 'email'] });
      expect(changes).toContainEqual({ kind: 'create', username: name(6), fields: [] });
      // 199 creations, 1 update and 4 staff accounts: the list stops at 200 and says so.
      expect(changes).toHaveLength(200);
      expect(preview.body.changesTruncated).toBe(true);
      expect((await admin.get<{ total: number }>(pathTo(api.users.list))).body.total).toBe(before.body.total);
      const audit = await admin.get<{ items: unknown[] }>(
        `${pathTo(api.audit.list)}?action=directory.sync_completed`,
      );
      expect(audit.body.items).toHaveLength(0);
    });

    it('creates, adopts and suspends exactly, then is idempotent', async () => {
      const first = await sync();
      expect(first.status).toBe(200);
      expect(counts(first.body)).toEqual({ created: USERS - 1, updated: 1, suspended: 0, unchanged: 0 });
      expect(first.body.operators).toEqual({ created: 4, updated: 0, disabled: 0, unchanged: 0, skipped: 0 });

      const found = await admin.get<{ items: { username: string; source: string; displayName: string }[] }>(
        `${pathTo(api.users.list)}?q=${name(5)}`,
      );
      expect(found.body.items[0]).toMatchObject({
        username: name(5),
        source: 'directory',
        displayName: 'User Number 5',
      });
      const suspended = await admin.get<{ total: number }>(`${pathTo(api.users.list)}?state=suspended`);
      expect(suspended.body.total).toBe(USERS / 20);
      const local = await admin.get<{ items: { source: string }[] }>(
        `${pathTo(api.users.list)}?q=local-only`,
      );
      expect(local.body.items[0]?.source).toBe('local');

      const again = await sync();
      expect(counts(again.body)).toEqual({ created: 0, updated: 0, suspended: 0, unchanged: USERS });
      expect(again.body.operators).toEqual({ created: 0, updated: 0, disabled: 0, unchanged: 4, skipped: 0 });

      const audit = await admin.get<{ items: { details: Record<string, unknown> }[] }>(
        `${pathTo(api.audit.list)}?action=directory.sync_completed`,
      );
      expect(audit.body.items).toHaveLength(2);
      expect(audit.body.items.map((event) => event.details.created).sort()).toEqual([0, USERS - 1]);
    });

    it('keys on objectGUID where the entry has one, else entryUUID', async () => {
      const [withGuid] = await server.server.ctx.db
        .select({ directoryId: users.directoryId })
        .from(users)
        .where(eq(users.username, name(10)));
      expect(withGuid?.directoryId).toBe(GUID.toString('hex'));
      const [withUuid] = await server.server.ctx.db
        .select({ directoryId: users.directoryId })
        .from(users)
        .where(eq(users.username, name(11)));
      expect(withUuid?.directoryId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-/);
    });

    it('maps groups to staff roles, nested groups included', async () => {
      const operators = await admin.get<{
        items: { username: string; role: string; source: string; state: string }[];
      }>(pathTo(api.operators.list));
      const staff = Object.fromEntries(
        operators.body.items.filter((o) => o.source === 'directory').map((o) => [o.username, o.role]),
      );
      expect(staff).toEqual({
        [name(1)]: 'admin',
        [name(2)]: 'operator',
        [name(3)]: 'operator',
        [name(4)]: 'auditor',
      });
    });

    it('cardholders and staff sign in with the directory password', async () => {
      const selfService = await server.api.post(pathTo(api.selfService.login), {
        username: name(7),
        password: passwordOf(7),
      });
      expect(selfService.status).toBe(200);
      const wrong = await server.api.post(pathTo(api.selfService.login), {
        username: name(7),
        password: 'nope',
      });
      expect(wrong.status).toBe(401);
      expect(wrong.body).toMatchObject({ error: { code: 'auth.invalid_credentials' } });
      // Disabled in the directory, right password: told the account is suspended.
      const disabled = await server.api.post(pathTo(api.selfService.login), {
        username: name(20),
        password: passwordOf(20),
      });
      expect(disabled.status).toBe(403);
      expect(disabled.body).toMatchObject({ error: { code: 'self_service.account_suspended' } });
      // A username with filter metacharacters matches no account and never widens a directory search.
      const star = await server.api.post(pathTo(api.selfService.login), {
        username: 'user00*',
        password: passwordOf(7),
      });
      expect(star.status).toBe(401);

      const staff = await server.api.login(name(1), passwordOf(1));
      const me = await staff.get<{ role: string }>(pathTo(api.auth.me));
      expect(me.body.role).toBe('admin');
      // Directory passwords are changed in the directory, not here.
      const body = { currentPassword: passwordOf(1), newPassword: 'A-new-local-password-1' };
      const change = await staff.post(pathTo(api.auth.changePassword), body);
      expect(change.status).toBe(409);
      expect(change.body).toMatchObject({ error: { code: 'operator.directory_managed' } });
      const cardholder = await server.api.login(name(7), passwordOf(7), pathTo(api.selfService.login));
      const own = await cardholder.post(pathTo(api.selfService.changePassword), {
        currentPassword: passwordOf(7),
        newPassword: 'A-new-local-password-1',
      });
      expect(own.status).toBe(409);
      expect(own.body).toMatchObject({ error: { code: 'user.directory_managed' } });
      const auditor = await server.api.post(pathTo(api.auth.login), {
        username: name(4),
        password: passwordOf(3),
      });
      expect(auditor.status).toBe(401);
    });

    it('keeps synced fields read-only', async () => {
      const found = await admin.get<{ items: { id: string }[] }>(`${pathTo(api.users.list)}?q=${name(7)}`);
      const id = found.body.items[0]?.id ?? '';
      const patch = await admin.patch(pathTo(api.users.update, { id }), { displayName: 'Renamed Here' });
      expect(patch.status).toBe(409);
      expect(patch.body).toMatchObject({ error: { code: 'user.directory_managed' } });
      const password = await admin.put(pathTo(api.users.setPassword, { id }), {
        password: 'A-local-password-1',
      });
      expect(password.status).toBe(409);
      expect(password.body).toMatchObject({ error: { code: 'user.directory_managed' } });
      // An operator may still suspend a directory user (stricter than the directory)...
      expect((await admin.patch(pathTo(api.users.update, { id }), { state: 'suspended' })).status).toBe(200);
      expect((await admin.patch(pathTo(api.users.update, { id }), { state: 'active' })).status).toBe(200);
      // ...but not re-activate one the directory disabled.
      const disabled = await admin.get<{ items: { id: string }[] }>(
        `${pathTo(api.users.list)}?q=${name(40)}`,
      );
      const reactivate = await admin.patch(
        pathTo(api.users.update, { id: disabled.body.items[0]?.id ?? '' }),
        {
          state: 'active',
        },
      );
      expect(reactivate.status).toBe(409);
      const operators = await admin.get<{ items: { id: string; username: string }[] }>(
        pathTo(api.operators.list),
      );
      const staffId = operators.body.items.find((o) => o.username === name(4))?.id ?? '';
      const role = await admin.patch(pathTo(api.operators.update, { id: staffId }), { role: 'admin' });
      expect(role.status).toBe(409);
      expect(role.body).toMatchObject({ error: { code: 'operator.directory_managed' } });
    });

    it('follows changes: rename, disable, delete, re-enable, new entry, DN rename, group change', async () => {
      const before = await admin.get<{ items: { id: string }[] }>(`${pathTo(api.users.list)}?q=${name(10)}`);
      const renamedId = before.body.items[0]?.id;
      await modify(slapd, dnOf(1), 'displayName', ['First Admin']);
      await modify(slapd, dnOf(2), 'userAccountControl', ['514']);
      await modify(slapd, dnOf(20), 'userAccountControl', ['512']);
      await modify(slapd, groupDn('cw-admins'), 'member', [dnOf(1), dnOf(4)]);
      await modify(slapd, groupDn('auditors'), 'member', [dnOf(6)]);
      const client = await slapd.admin();
      try {
        await client.del(dnOf(199));
        await client.modifyDN(dnOf(10), `uid=renamed010,${PEOPLE}`);
        await client.add(`uid=${name(200)},${PEOPLE}`, {
          objectClass: ['inetOrgPerson', 'cardwardenAdUser'],
          uid: name(200),
          cn: 'New',
          sn: 'New',
          sAMAccountName: name(200),
          displayName: 'Newcomer',
          mail: `${name(200)}@example.org`,
          userAccountControl: '512',
        });
      } finally {
        await client.unbind();
      }

      const result = await sync();
      // updated: user001 (name), user020 (re-enabled); suspended: user002 (disabled), user199 (removed);
      // user010's DN changed but its username (sAMAccountName) and id did not: unchanged.
      expect(counts(result.body)).toEqual({ created: 1, updated: 2, suspended: 2, unchanged: USERS - 4 });
      // user004 becomes admin, user006 auditor; user002 (disabled) loses staff access.
      expect(result.body.operators).toEqual({
        created: 1,
        updated: 1,
        disabled: 1,
        unchanged: 2,
        skipped: 0,
      });

      const after = await admin.get<{ items: { id: string; state: string }[] }>(
        `${pathTo(api.users.list)}?q=${name(10)}`,
      );
      expect(after.body.items[0]).toMatchObject({ id: renamedId, state: 'active' });
      const removed = await admin.get<{ items: { state: string }[] }>(
        `${pathTo(api.users.list)}?q=${name(199)}`,
      );
      expect(removed.body.items[0]?.state).toBe('suspended');
      const back = await admin.get<{ items: { state: string }[] }>(`${pathTo(api.users.list)}?q=${name(20)}`);
      expect(back.body.items[0]?.state).toBe('active');

      const operators = await admin.get<{ items: { username: string; role: string; state: string }[] }>(
        pathTo(api.operators.list),
      );
      const byName = Object.fromEntries(
        operators.body.items.map((o) => [o.username, `${o.role}/${o.state}`]),
      );
      expect(byName[name(4)]).toBe('admin/active');
      expect(byName[name(6)]).toBe('auditor/active');
      expect(byName[name(2)]).toBe('operator/disabled');
      // The renamed entry still signs in: the bind uses the DN the search finds now.
      expect(
        (
          await server.api.post(pathTo(api.selfService.login), {
            username: name(10),
            password: passwordOf(10),
          })
        ).status,
      ).toBe(200);
      expect(counts((await sync()).body)).toEqual({ created: 0, updated: 0, suspended: 0, unchanged: USERS });
    });

    it('gives concurrent sync requests the counts of one run', async () => {
      await modify(slapd, dnOf(8), 'mail', ['eight@example.org']);
      const auditBefore = await admin.get<{ total: number }>(
        `${pathTo(api.audit.list)}?action=directory.sync_completed`,
      );
      const [one, two, three] = await Promise.all([sync(), sync(), sync()]);
      for (const result of [one, two, three]) expect(result.status).toBe(200);
      // The same body, to the millisecond of its duration: one run answered all three.
      expect(two.body).toEqual(one.body);
      expect(three.body).toEqual(one.body);
      expect(counts(one.body)).toEqual({
        created: 0,
        updated: 1,
        suspended: 0,
        unchanged: USERS - 1,
      });
      const auditAfter = await admin.get<{ total: number }>(
        `${pathTo(api.audit.list)}?action=directory.sync_completed`,
      );
      expect(auditAfter.body.total).toBe(auditBefore.body.total + 1);
    });

    it('shows the settings without the password, the role mapping, the last run and where accounts came from', async () => {
      const status = await admin.get(pathTo(api.directory.status));
      expect(status.status).toBe(200);
      expect(status.text).not.toContain('root-secret');
      expect(status.body).toMatchObject({
        configured: true,
        settings: { url: slapd.url, bindDn: ROOT_DN, baseDn: PEOPLE, pageSize: 50, startTls: false },
        running: null,
        lastRun: { outcome: 'completed', trigger: 'operator', actor: ADMIN.username, result: { updated: 1 } },
      });
      expect(status.body.roleMapping).toContainEqual({ group: groupDn('helpdesk'), role: 'operator' });
      const accounts = status.body.accounts as { users: { directory: number; local: number } };
      expect(accounts.users.directory).toBeGreaterThanOrEqual(USERS);
      expect(accounts.users.local).toBeGreaterThanOrEqual(1);
    });

    it('tests the connection step by step and shows a sample of users as they would be synced', async () => {
      const test = await admin.post<{
        ok: boolean;
        steps: { step: string; ok: boolean }[];
        sample: unknown[];
      }>(pathTo(api.directory.test));
      expect(test.status).toBe(200);
      expect(test.body.ok).toBe(true);
      expect(test.body.steps.map((step) => [step.step, step.ok])).toEqual([
        ['bind', true],
        ['search', true],
      ]);
      expect(test.body.sample).toHaveLength(5);
      expect(test.body.sample[0]).toMatchObject({
        username: expect.stringMatching(/^user\d{3}$/) as unknown,
      });
      const config = directoryConfig(directoryEnv(slapd));
      if (!config) throw new Error('no directory settings');
      const wrongPassword = await new LdapDirectory({ ...config, bindPassword: 'not-it' }).testConnection(5);
      expect(wrongPassword.ok).toBe(false);
      expect(wrongPassword.steps.at(-1)).toMatchObject({ step: 'bind', ok: false });
      expect(wrongPassword.steps.at(-1)?.message).toMatch(/refused the service account/);
      const wrongBase = await new LdapDirectory({
        ...config,
        userFilter: '(uid=nobody-here)',
      }).testConnection(5);
      expect(wrongBase.ok).toBe(false);
      expect(wrongBase.steps.at(-1)?.message).toMatch(/CARDWARDEN_LDAP_USER_FILTER/);
    });

    it('only admins run a sync', async () => {
      const staff = await server.api.login(name(6), passwordOf(6));
      expect((await staff.post(pathTo(api.directory.sync))).status).toBe(403);
      expect((await staff.get(pathTo(api.directory.status))).status).toBe(403);
      expect((await staff.post(pathTo(api.directory.test))).status).toBe(403);
    });

    it('answers 503 with a readable message when the directory is down, and never logs a password', async () => {
      await slapd.stop();
      const login = await server.api.post(pathTo(api.selfService.login), {
        username: name(7),
        password: passwordOf(7),
      });
      expect(login.status).toBe(503);
      expect(login.body).toMatchObject({ error: { code: 'directory.unavailable' } });
      const staff = await server.api.post(pathTo(api.auth.login), {
        username: name(1),
        password: passwordOf(1),
      });
      expect(staff.status).toBe(503);
      const down = await sync();
      expect(down.status).toBe(503);
      expect(down.body).toMatchObject({ error: { code: 'directory.unavailable' } });
      const failed = await admin.get<{ lastRun: { outcome: string; error: { code: string } } }>(
        pathTo(api.directory.status),
      );
      expect(failed.body.lastRun).toMatchObject({
        outcome: 'failed',
        error: { code: 'directory.unavailable' },
      });
      const test = await admin.post<{ ok: boolean; steps: { step: string; ok: boolean; message: string }[] }>(
        pathTo(api.directory.test),
      );
      expect(test.body.ok).toBe(false);
      expect(test.body.steps).toEqual([
        { step: 'bind', ok: false, message: expect.stringMatching(/could not connect or bind/) as unknown },
      ]);
      // A local account still signs in.
      expect((await server.api.post(pathTo(api.auth.login), ADMIN)).status).toBe(200);
      const logs = server.logs.join('\n');
      expect(logs).not.toContain(passwordOf(7));
      expect(logs).not.toContain('root-secret');
    });
  });
});

describeWith(
  ['postgresql', 'slapd'],
  'directory sync over two server instances on one PostgreSQL database',
  () => {
    let slapd: TestSlapd;
    let database: TestDatabase;
    let first: TestServer;
    let second: TestServer;
    beforeAll(async () => {
      slapd = await startSlapd(seed());
      database = await createTestDatabase('postgres');
      const config = { directory: directoryConfig(directoryEnv(slapd)) };
      first = await startTestServer('postgres', { database, config });
      second = await startTestServer('postgres', { database, kekFile: first.kekFile, config });
    }, 120_000);
    afterAll(async () => {
      await second.close();
      await first.close();
      await database.drop();
      await slapd.stop();
    });

    it('takes turns: the second run finds the work of the first one done', async () => {
      const [a, b] = await Promise.all([
        first.api.login(ADMIN.username, ADMIN.password),
        second.api.login(ADMIN.username, ADMIN.password),
      ]);
      const [one, two] = await Promise.all([
        a.post(pathTo(api.directory.sync)),
        b.post(pathTo(api.directory.sync)),
      ]);
      expect([one.status, two.status]).toEqual([200, 200]);
      // Exactly one of them created everyone; the other (after the advisory lock) found them unchanged.
      const created = [one.body.created, two.body.created].sort();
      expect(created).toEqual([0, USERS]);
      // The listing counts up to 100 (more is "more than 100"): the last of USERS users is at USERS - 1.
      const last = await a.get<{ items: unknown[] }>(`${pathTo(api.users.list)}?limit=5&offset=${USERS - 1}`);
      expect(last.body.items).toHaveLength(1);
    });
  },
);

describeWith(['slapd'], 'directory over TLS', () => {
  let slapd: TestSlapd;
  beforeAll(async () => {
    slapd = await startSlapd(seed(), { tls: true });
  }, 30_000);
  afterAll(async () => {
    await slapd.stop();
  });
  const settings = (extra: Record<string, string>) => {
    const config = directoryConfig(directoryEnv(slapd, extra));
    if (!config) throw new Error('no directory settings');
    return config;
  };

  it('LDAPS and StartTLS verify the certificate against CARDWARDEN_LDAP_CA_FILE', async () => {
    const ldaps = slapd.ldapsUrl ?? '';
    const caFile = slapd.caFile ?? '';
    const pinned = new LdapDirectory(
      settings({ CARDWARDEN_LDAP_URL: ldaps, CARDWARDEN_LDAP_CA_FILE: caFile }),
    );
    expect((await pinned.verifyPassword(name(7), passwordOf(7)))?.username).toBe(name(7));
    expect(await pinned.verifyPassword(name(7), 'wrong')).toBeUndefined();
    const startTls = new LdapDirectory(
      settings({ CARDWARDEN_LDAP_STARTTLS: 'true', CARDWARDEN_LDAP_CA_FILE: caFile }),
    );
    expect((await startTls.listUsers()).entries).toHaveLength(USERS);
  });

  it('refuses a certificate the system trust store does not know', async () => {
    const unpinned = new LdapDirectory(settings({ CARDWARDEN_LDAP_URL: slapd.ldapsUrl ?? '' }));
    await expect(unpinned.verifyPassword(name(7), passwordOf(7))).rejects.toThrow(DirectoryUnavailable);
    const startTls = new LdapDirectory(settings({ CARDWARDEN_LDAP_STARTTLS: 'true' }));
    await expect(startTls.listUsers()).rejects.toThrow(DirectoryUnavailable);
  });
});

describe('without a directory', () => {
  it('answers 409 directory.not_configured', async () => {
    const server = await startTestServer('pglite');
    try {
      const admin = await server.api.login(ADMIN.username, ADMIN.password);
      const result = await admin.post(pathTo(api.directory.sync));
      expect(result.status).toBe(409);
      expect(result.body).toMatchObject({ error: { code: 'directory.not_configured' } });
      expect((await admin.post(pathTo(api.directory.test))).status).toBe(409);
      const status = await admin.get(pathTo(api.directory.status));
      expect(status.body).toMatchObject({
        configured: false,
        roleMapping: [],
        running: null,
        lastRun: null,
        accounts: { users: { directory: 0 }, operators: { directory: 0, local: 1 } },
      });
    } finally {
      await server.close();
    }
  });
});
