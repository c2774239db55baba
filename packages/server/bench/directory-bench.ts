/**
 * `npm run bench:directory -w packages/server`: a directory sync of 10,000 users in nested groups (every
 * 50th disabled) from a throwaway slapd, timed twice (the first run creates everyone, the second finds
 * nothing to change), then once more after 100 changes. PGlite on disk, or PostgreSQL when DATABASE_URL
 * is set. Prints the counts and times; not a test.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Attribute, Change } from 'ldapts';
import { loadConfig } from '../src/config.js';
import { startServer } from '../src/server.js';
import { BASE_DN, ROOT_DN, ROOT_PASSWORD, startSlapd } from '@cardwarden/integration-tests/slapd';
import { api, pathTo } from '@cardwarden/contract';

const USERS = Number(process.env.BENCH_USERS ?? 10_000);
const PEOPLE = `ou=people,${BASE_DN}`;
const GROUPS = `ou=groups,${BASE_DN}`;
const name = (i: number) => `person${String(i).padStart(5, '0')}`;
const dn = (i: number) => `uid=${name(i)},${PEOPLE}`;
const group = (cn: string) => `cn=${cn},${GROUPS}`;

function ldif(): string {
  const parts = ['people', 'groups'].map(
    (ou) => `dn: ou=${ou},${BASE_DN}\nobjectClass: organizationalUnit\nou: ${ou}\n\n`,
  );
  for (let i = 0; i < USERS; i++) {
    parts.push(
      `dn: ${dn(i)}\nobjectClass: inetOrgPerson\nobjectClass: cardwardenAdUser\nuid: ${name(i)}\ncn: Person ${String(i)}\n` +
        `sn: ${String(i)}\nsAMAccountName: ${name(i)}\ndisplayName: Person ${String(i)}\nmail: ${name(i)}@example.org\n` +
        `userAccountControl: ${i % 50 === 7 ? '514' : '512'}\n\n`,
    );
  }
  return parts.join('');
}

/** Groups go in online, so that the memberof overlay writes memberOf as a real server would. */
async function addGroups(slapd: Awaited<ReturnType<typeof startSlapd>>): Promise<void> {
  const client = await slapd.admin();
  try {
    // 100 departments of 100 people, nested in 10 divisions, nested in "everyone".
    for (let d = 0; d < 100; d++) {
      const members = Array.from({ length: 100 }, (_, k) => d * 100 + k)
        .filter((i) => i < USERS)
        .map(dn);
      if (members.length > 0)
        await client.add(group(`dept-${String(d)}`), {
          objectClass: 'groupOfNames',
          cn: `dept-${String(d)}`,
          member: members,
        });
    }
    for (let v = 0; v < 10; v++) {
      const members = Array.from({ length: 10 }, (_, k) => group(`dept-${String(v * 10 + k)}`));
      await client.add(group(`division-${String(v)}`), {
        objectClass: 'groupOfNames',
        cn: `division-${String(v)}`,
        member: members,
      });
    }
    await client.add(group('everyone'), {
      objectClass: 'groupOfNames',
      cn: 'everyone',
      member: Array.from({ length: 10 }, (_, v) => group(`division-${String(v)}`)),
    });
    // Staff: 20 help-desk teams of 5 nested in "helpdesk" (operator), 5 admins, 10 auditors.
    for (let t = 0; t < 20; t++) {
      await client.add(group(`helpdesk-${String(t)}`), {
        objectClass: 'groupOfNames',
        cn: `helpdesk-${String(t)}`,
        member: Array.from({ length: 5 }, (_, k) => dn(1000 + t * 5 + k)),
      });
    }
    await client.add(group('helpdesk'), {
      objectClass: 'groupOfNames',
      cn: 'helpdesk',
      member: Array.from({ length: 20 }, (_, t) => group(`helpdesk-${String(t)}`)),
    });
    await client.add(group('admins'), {
      objectClass: 'groupOfNames',
      cn: 'admins',
      member: [1, 2, 3, 4, 5].map(dn),
    });
    await client.add(group('auditors'), {
      objectClass: 'groupOfNames',
      cn: 'auditors',
      member: Array.from({ length: 10 }, (_, k) => dn(2000 + k)),
    });
  } finally {
    await client.unbind();
  }
}

async function main(): Promise<void> {
  let started = performance.now();
  const slapd = await startSlapd(ldif());
  await addGroups(slapd);
  process.stdout.write(
    `slapd seeded with ${String(USERS)} users and 135 groups in ${((performance.now() - started) / 1000).toFixed(1)} s\n`,
  );
  const dataDir = mkdtempSync(join(tmpdir(), 'cardwarden-bench-directory-'));
  writeFileSync(join(dataDir, 'bind-password'), ROOT_PASSWORD);
  const config = loadConfig(
    {
      PORT: '0',
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      DATABASE_URL: process.env.DATABASE_URL,
      CARDWARDEN_ADMIN_PASSWORD: 'bench admin password',
      CARDWARDEN_LDAP_URL: slapd.url,
      CARDWARDEN_LDAP_BIND_DN: ROOT_DN,
      CARDWARDEN_LDAP_BIND_PASSWORD_FILE: join(dataDir, 'bind-password'),
      CARDWARDEN_LDAP_BASE_DN: PEOPLE,
      CARDWARDEN_LDAP_GROUP_BASE_DN: GROUPS,
      CARDWARDEN_LDAP_GROUP_ROLES: `${group('admins')}=admin;${group('helpdesk')}=operator;${group('auditors')}=auditor`,
    },
    process.cwd(),
  );
  const server = await startServer(config, { level: 'warn' });
  try {
    const login = await fetch(`${server.url}${pathTo(api.auth.login)}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: 'bench admin password' }),
    });
    const { token } = (await login.json()) as { token: string };
    const sync = async (label: string) => {
      started = performance.now();
      const response = await fetch(`${server.url}${pathTo(api.directory.sync)}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}` },
      });
      const body = await response.text();
      process.stdout.write(
        `${label}: ${((performance.now() - started) / 1000).toFixed(2)} s  ${String(response.status)} ${body}\n`,
      );
    };
    await sync('sync 1 (creates)');
    await sync('sync 2 (no changes)');
    const client = await slapd.admin();
    try {
      for (let i = 3000; i < 3100; i++) {
        await client.modify(
          dn(i),
          new Change({
            operation: 'replace',
            modification: new Attribute({ type: 'displayName', values: [`Renamed ${String(i)}`] }),
          }),
        );
      }
    } finally {
      await client.unbind();
    }
    await sync('sync 3 (100 renamed)');
  } finally {
    await server.close();
    await slapd.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
