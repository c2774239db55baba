/**
 * A throwaway OpenLDAP server per test file: its own temp dir, mdb database, the memberof overlay and a
 * small AD-style schema (sAMAccountName, userAccountControl with integer matching, binary objectGUID),
 * on a free loopback port. Stopped with SIGTERM.
 */
import { makeSelfSignedCertificate } from './certificates.js';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'ldapts';
import { freePort } from './free-port.js';

export const BASE_DN = 'dc=example,dc=org';
export const ROOT_DN = `cn=admin,${BASE_DN}`;
export const ROOT_PASSWORD = 'root-secret';

/** Microsoft's own OIDs for the attributes, with matching rules OpenLDAP can use. */
const AD_SCHEMA = `
attributetype ( 1.2.840.113556.1.4.221 NAME 'sAMAccountName'
  EQUALITY caseIgnoreMatch SUBSTR caseIgnoreSubstringsMatch
  SYNTAX 1.3.6.1.4.1.1466.115.121.1.15 SINGLE-VALUE )
attributetype ( 1.2.840.113556.1.4.8 NAME 'userAccountControl'
  EQUALITY integerMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.27 SINGLE-VALUE )
attributetype ( 1.2.840.113556.1.4.2 NAME 'objectGUID'
  EQUALITY octetStringMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.40 SINGLE-VALUE )
objectclass ( 1.3.6.1.4.1.99999.13.1 NAME 'cardwardenAdUser' AUXILIARY
  MAY ( sAMAccountName $ userAccountControl $ objectGUID ) )
`;

function slapdConf(dir: string, tls: boolean): string {
  const tlsLines = tls
    ? `TLSCertificateFile ${join(dir, 'cert.pem')}\nTLSCertificateKeyFile ${join(dir, 'key.pem')}\n`
    : '';
  return `${tlsLines}
include /etc/ldap/schema/core.schema
include /etc/ldap/schema/cosine.schema
include /etc/ldap/schema/inetorgperson.schema
include ${join(dir, 'ad.schema')}
modulepath /usr/lib/ldap
moduleload back_mdb
moduleload memberof
pidfile ${join(dir, 'slapd.pid')}
sizelimit 1000
database mdb
suffix "${BASE_DN}"
rootdn "${ROOT_DN}"
rootpw ${ROOT_PASSWORD}
directory ${join(dir, 'db')}
maxsize 1073741824
dbnosync
index objectClass eq
index uid,sAMAccountName eq
index member,memberOf eq
overlay memberof
`;
}

export interface TestSlapd {
  readonly url: string;
  /** With `tls`: ldaps:// on a second port, and the PEM file of its self-signed certificate (its own CA). */
  readonly ldapsUrl: string | undefined;
  readonly caFile: string | undefined;
  readonly dir: string;
  /** A connection bound as the root DN (close it with unbind). */
  admin(): Promise<Client>;
  stop(): Promise<void>;
}

async function ready(url: string, child: ChildProcess): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt++) {
    if (child.exitCode !== null) throw new Error(`slapd exited with ${String(child.exitCode)}`);
    const client = new Client({ url, connectTimeout: 500 });
    try {
      await client.bind(ROOT_DN, ROOT_PASSWORD);
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 50));
    } finally {
      await client.unbind().catch(() => undefined);
    }
  }
  throw new Error('slapd did not answer');
}

/**
 * Starts slapd. `seedLdif`: entries loaded offline with slapadd before the start (fast, for thousands of
 * users; the memberof overlay does not run for them, so add groups online afterwards).
 */
export async function startSlapd(seedLdif?: string, options: { tls?: boolean } = {}): Promise<TestSlapd> {
  const dir = mkdtempSync(join(tmpdir(), 'cardwarden-slapd-'));
  mkdirSync(join(dir, 'db'));
  writeFileSync(join(dir, 'ad.schema'), AD_SCHEMA);
  const tls = options.tls ?? false;
  // slapd.conf names key.pem and cert.pem in dir.
  if (tls) makeSelfSignedCertificate(dir);
  const conf = join(dir, 'slapd.conf');
  writeFileSync(conf, slapdConf(dir, tls));
  const base = `dn: ${BASE_DN}\nobjectClass: dcObject\nobjectClass: organization\ndc: example\no: Example\n\n`;
  writeFileSync(join(dir, 'seed.ldif'), base + (seedLdif ?? ''));
  const added = spawnSync('slapadd', ['-q', '-f', conf, '-l', join(dir, 'seed.ldif')], { encoding: 'utf8' });
  if (added.status !== 0) throw new Error(`slapadd failed: ${added.stderr}`);
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = await freePort();
    const url = `ldap://127.0.0.1:${port}`;
    const ldapsUrl = tls ? `ldaps://127.0.0.1:${await freePort()}` : undefined;
    const listen = ldapsUrl ? `${url}/ ${ldapsUrl}/` : `${url}/`;
    const child = spawn('slapd', ['-d', 'none', '-f', conf, '-h', listen], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    try {
      await ready(url, child);
    } catch (error) {
      child.kill('SIGTERM');
      if (attempt === 4) throw new Error(`slapd did not start: ${stderr}`, { cause: error });
      continue;
    }
    return {
      url,
      ldapsUrl,
      caFile: tls ? join(dir, 'cert.pem') : undefined,
      dir,
      async admin() {
        const client = new Client({ url });
        await client.bind(ROOT_DN, ROOT_PASSWORD);
        return client;
      },
      async stop() {
        if (child.exitCode === null) {
          const exited = new Promise((resolve) => child.once('exit', resolve));
          child.kill('SIGTERM');
          await exited;
        }
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  throw new Error('slapd did not start');
}
