/**
 * The LDAP / Active Directory connection: paged reads of users and groups with the service account,
 * and password checks by binding as the user. Every network failure becomes a DirectoryUnavailable.
 */
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { Client, escapeFilter, InvalidCredentialsError, type Entry } from 'ldapts';
import { isLoopbackHost, normalizeDn, type DirectoryConfig } from '../config.js';

/** One person as the directory describes them. */
export interface DirectoryEntry {
  /** Stable id (objectGUID as hex, or entryUUID): the sync's key; the DN may change. */
  readonly id: string;
  readonly dn: string;
  readonly username: string;
  readonly displayName: string;
  readonly email: string;
  readonly disabled: boolean;
  /** Normalised DNs of the groups the entry is a direct member of. */
  readonly groups: readonly string[];
}

/** The directory cannot be reached or refused the service account: the caller answers 503. */
export class DirectoryUnavailable extends Error {
  override readonly name = 'DirectoryUnavailable';
}

const GROUP_FILTER = '(|(objectClass=group)(objectClass=groupOfNames)(objectClass=groupOfUniqueNames))';
/** Attributes read as bytes: AD's objectGUID is binary. */
const BINARY_ATTRIBUTES = ['objectGUID'];

function values(entry: Entry, attribute: string): string[] {
  const key = Object.keys(entry).find((name) => name.toLowerCase() === attribute.toLowerCase());
  if (key === undefined) return [];
  const raw = entry[key];
  const all = Array.isArray(raw) ? raw : raw === undefined ? [] : [raw];
  return all.map((value) => (Buffer.isBuffer(value) ? value.toString('hex') : value));
}

function first(entry: Entry, attributes: readonly string[]): string | undefined {
  for (const attribute of attributes) {
    const [value] = values(entry, attribute);
    if (value !== undefined && value !== '') return value;
  }
  return undefined;
}

/** One step of a connection test, as the console shows it. */
export interface DirectoryTestStep {
  readonly step: 'connect' | 'starttls' | 'bind' | 'search';
  readonly ok: boolean;
  readonly message: string;
}

export interface DirectoryConnectionTest {
  readonly ok: boolean;
  readonly durationMs: number;
  readonly steps: readonly DirectoryTestStep[];
  /** The first few users the filter selects, to check the attribute mapping. */
  readonly sample: readonly DirectoryEntry[];
  /** Entries in the sample without a username or stable id (check the attribute settings). */
  readonly incomplete: number;
}

function describe(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).slice(0, 200);
}

/** An LDAP error the caller shows as "directory unavailable", without the service account's details. */
function unavailable(error: unknown): DirectoryUnavailable {
  const reason = error instanceof Error ? error.message : String(error);
  return new DirectoryUnavailable(`the directory did not answer as expected (${reason.slice(0, 200)})`);
}

export class LdapDirectory {
  private readonly ca: Buffer | undefined;
  private readonly plaintext: boolean;
  private readonly secure: boolean;
  private readonly hostname: string;

  constructor(private readonly config: DirectoryConfig) {
    this.ca = config.caFile ? readFileSync(config.caFile) : undefined;
    const url = new URL(config.url);
    this.secure = url.protocol === 'ldaps:';
    this.hostname = url.hostname.replace(/^\[|\]$/g, '');
    this.plaintext = !this.secure && !config.startTls;
    // Config refuses this at start; checked again because a password bind here would cross the network in clear.
    if (this.plaintext && !config.allowPlaintext && !isLoopbackHost(url.hostname)) {
      throw new Error(
        `refusing plain LDAP to ${url.hostname}: use ldaps://, StartTLS or CARDWARDEN_LDAP_ALLOW_PLAINTEXT`,
      );
    }
  }

  private tlsOptions() {
    // No `ca`: Node verifies against the system trust store. Verification is never turned off.
    return {
      ...(this.ca ? { ca: [this.ca] } : {}),
      rejectUnauthorized: true,
      minVersion: 'TLSv1.2' as const,
    };
  }

  private async open(): Promise<Client> {
    const client = new Client({
      url: this.config.url,
      timeout: this.config.timeoutMs,
      connectTimeout: this.config.timeoutMs,
      // ldapts speaks TLS from the first byte whenever tlsOptions is set: only for ldaps://.
      ...(this.secure ? { tlsOptions: this.tlsOptions() } : {}),
      strictDN: false,
    });
    if (this.config.startTls) {
      try {
        // The certificate is checked against the URL's host (ldapts would otherwise check "localhost").
        await client.startTLS({
          ...this.tlsOptions(),
          host: this.hostname,
          ...(isIP(this.hostname) ? {} : { servername: this.hostname }),
        });
      } catch (error) {
        await client.unbind().catch(() => undefined);
        throw unavailable(error);
      }
    }
    return client;
  }

  /** Runs `work` with a connection bound as the service account; always closes it. */
  private async asService<T>(work: (client: Client) => Promise<T>): Promise<T> {
    const client = await this.open();
    try {
      try {
        if (this.config.bindDn) await client.bind(this.config.bindDn, this.config.bindPassword);
      } catch (error) {
        if (error instanceof InvalidCredentialsError) {
          throw new DirectoryUnavailable(
            'the directory refused the service account: check CARDWARDEN_LDAP_BIND_DN and the password file',
          );
        }
        throw error;
      }
      return await work(client);
    } catch (error) {
      throw error instanceof DirectoryUnavailable ? error : unavailable(error);
    } finally {
      await client.unbind().catch(() => undefined);
    }
  }

  private attributeList(): string[] {
    const a = this.config.attributes;
    return [...a.username, a.displayName, a.email, ...a.id, a.disabledFlags, a.memberOf];
  }

  private toEntry(entry: Entry): DirectoryEntry | undefined {
    const a = this.config.attributes;
    const id = first(entry, a.id);
    const username = first(entry, a.username);
    if (id === undefined || username === undefined) return undefined;
    const flags = Number(first(entry, [a.disabledFlags]) ?? '0');
    return {
      id,
      dn: entry.dn,
      username,
      displayName: first(entry, [a.displayName]) ?? username,
      email: first(entry, [a.email]) ?? '',
      // AD's ACCOUNTDISABLE bit.
      disabled: Number.isFinite(flags) && (flags & 2) === 2,
      groups: values(entry, a.memberOf).map(normalizeDn),
    };
  }

  /**
   * Every user the filter selects (paged), and how many entries lacked a username or stable id.
   * `onPage` hears the running total after each page, so a long sync can show its progress.
   */
  async listUsers(
    onPage: (entriesRead: number) => void = () => undefined,
  ): Promise<{ entries: DirectoryEntry[]; incomplete: number }> {
    return this.asService(async (client) => {
      const entries: DirectoryEntry[] = [];
      let incomplete = 0;
      const pages = client.searchPaginated(this.config.baseDn, {
        scope: 'sub',
        filter: this.config.userFilter,
        attributes: this.attributeList(),
        explicitBufferAttributes: BINARY_ATTRIBUTES,
        paged: { pageSize: this.config.pageSize },
      });
      for await (const { searchEntries } of pages) {
        for (const raw of searchEntries) {
          const entry = this.toEntry(raw);
          if (entry) entries.push(entry);
          else incomplete += 1;
        }
        onPage(entries.length + incomplete);
      }
      return { entries, incomplete };
    });
  }

  /**
   * The console's "test connection": connects (with TLS as configured), binds as the service account
   * and reads one page of users, saying which step failed. Never throws; never returns the password.
   */
  async testConnection(sampleSize: number): Promise<DirectoryConnectionTest> {
    const started = Date.now();
    const steps: DirectoryTestStep[] = [];
    const finish = (ok: boolean, sample: DirectoryEntry[] = [], incomplete = 0): DirectoryConnectionTest => ({
      ok,
      durationMs: Date.now() - started,
      steps,
      sample,
      incomplete,
    });
    let client: Client;
    try {
      client = await this.open();
      // ldapts connects on the first operation: without StartTLS, the bind below is the connect step.
      if (this.config.startTls)
        steps.push({ step: 'starttls', ok: true, message: 'TLS started and verified' });
    } catch (error) {
      steps.push({ step: 'connect', ok: false, message: describe(error) });
      return finish(false);
    }
    try {
      try {
        // Anonymous (no bind DN): the search below is the first operation, so it also tests the connection.
        if (this.config.bindDn) await client.bind(this.config.bindDn, this.config.bindPassword);
        steps.push({
          step: 'bind',
          ok: true,
          message: this.config.bindDn
            ? `connected and bound as ${this.config.bindDn}`
            : 'no CARDWARDEN_LDAP_BIND_DN: reading anonymously',
        });
      } catch (error) {
        steps.push({
          step: 'bind',
          ok: false,
          message:
            error instanceof InvalidCredentialsError
              ? 'the directory refused the service account: check CARDWARDEN_LDAP_BIND_DN and the password file'
              : `could not connect or bind: ${describe(error)}`,
        });
        return finish(false);
      }
      try {
        const { searchEntries } = await client.search(this.config.baseDn, {
          scope: 'sub',
          filter: this.config.userFilter,
          attributes: this.attributeList(),
          explicitBufferAttributes: BINARY_ATTRIBUTES,
          sizeLimit: sampleSize,
        });
        const sample: DirectoryEntry[] = [];
        let incomplete = 0;
        for (const raw of searchEntries) {
          const entry = this.toEntry(raw);
          if (entry) sample.push(entry);
          else incomplete += 1;
        }
        steps.push({
          step: 'search',
          ok: searchEntries.length > 0,
          message:
            searchEntries.length > 0
              ? `read ${searchEntries.length} user entries under ${this.config.baseDn}`
              : `no entry under ${this.config.baseDn} matches ${this.config.userFilter}: check CARDWARDEN_LDAP_BASE_DN and CARDWARDEN_LDAP_USER_FILTER`,
        });
        return finish(searchEntries.length > 0, sample, incomplete);
      } catch (error) {
        steps.push({ step: 'search', ok: false, message: `searching users failed: ${describe(error)}` });
        return finish(false);
      }
    } finally {
      await client.unbind().catch(() => undefined);
    }
  }

  /** Group DN -> the groups it is itself a member of (for nested groups). */
  async groupParents(): Promise<Map<string, string[]>> {
    return this.asService(async (client) => {
      const { searchEntries } = await client.search(this.config.groupBaseDn, {
        scope: 'sub',
        filter: GROUP_FILTER,
        attributes: [this.config.attributes.memberOf],
        paged: { pageSize: this.config.pageSize },
      });
      const parents = new Map<string, string[]>();
      for (const group of searchEntries) {
        const memberOf = values(group, this.config.attributes.memberOf).map(normalizeDn);
        if (memberOf.length > 0) parents.set(normalizeDn(group.dn), memberOf);
      }
      return parents;
    });
  }

  /**
   * Checks a user's directory password: finds the entry by username with the service account (escaped
   * filter, inside the configured user filter), then binds as that entry. Undefined: no such single
   * entry, or the password is wrong.
   */
  async verifyPassword(username: string, password: string): Promise<DirectoryEntry | undefined> {
    // An empty password would be an anonymous bind, which succeeds: never send one.
    if (password === '' || username === '') return undefined;
    const byName = this.config.attributes.username
      .map((attribute) => `(${attribute}=${escapeFilter`${username}`})`)
      .join('');
    const filter = `(&${this.config.userFilter}(|${byName}))`;
    const found = await this.asService(async (client) => {
      const { searchEntries } = await client.search(this.config.baseDn, {
        scope: 'sub',
        filter,
        attributes: this.attributeList(),
        explicitBufferAttributes: BINARY_ATTRIBUTES,
        sizeLimit: 2,
      });
      return searchEntries;
    });
    if (found.length !== 1 || !found[0]) return undefined;
    const entry = this.toEntry(found[0]);
    if (!entry) return undefined;
    const client = await this.open();
    try {
      await client.bind(entry.dn, password);
      return entry;
    } catch (error) {
      if (error instanceof InvalidCredentialsError) return undefined;
      throw unavailable(error);
    } finally {
      await client.unbind().catch(() => undefined);
    }
  }
}

/** Every group a user belongs to, directly or through nested groups. */
export function allGroups(
  direct: readonly string[],
  parents: ReadonlyMap<string, readonly string[]>,
): Set<string> {
  const seen = new Set<string>();
  const queue = [...direct];
  while (queue.length > 0) {
    const group = queue.pop();
    if (group === undefined || seen.has(group)) continue;
    seen.add(group);
    queue.push(...(parents.get(group) ?? []));
  }
  return seen;
}
