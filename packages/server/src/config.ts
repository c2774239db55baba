/**
 * The one place that reads the environment. Read once at start; fails fast with a message that says
 * which variable is wrong and how to fix it.
 */
import type { Pkcs11Config } from './keys/pkcs11-token.js';
import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { api, NewPassword, OPERATOR_ROLES, type OperatorRole } from '@cardwarden/contract';
import { defaultArgon2GateOptions } from './auth/argon2-gate.js';
import { DEFAULT_ANONYMOUS_ADMISSION, type AnonymousAdmissionOptions } from './http/anonymous-admission.js';

export interface Config {
  readonly port: number;
  readonly host: string;
  /** Where the embedded database, the lock file and (by default) the KEK file live. */
  readonly dataDir: string;
  /** PostgreSQL connection string; when unset, the embedded PGlite database under `dataDir` is used. */
  readonly databaseUrl: string | undefined;
  readonly kekFile: string;
  /** The HSM holding the KEK and the masters (`CARDWARDEN_PKCS11_MODULE` …); the KEK file when unset. */
  readonly pkcs11?: Pkcs11Config | undefined;
  readonly bootstrapAdmin: { readonly username: string; readonly password: string | undefined };
  readonly logLevel: string;
  /** Directory of the built web portals, served at `/` when present. */
  readonly webRoot: string | undefined;
  /**
   * How much of X-Forwarded-For is believed (Fastify `trustProxy`): false (none), a hop count (the client
   * is that many entries from the right), or a list of proxy addresses/CIDRs.
   */
  readonly trustProxy: false | number | string;
  /**
   * `CARDWARDEN_STRICT_STATUSES=true`: an answer whose status its route does not declare in the route
   * table becomes a 500 (the test suites run so; in production it is only logged).
   */
  readonly strictStatuses?: boolean | undefined;
  readonly sessionHours: number;
  /** Email notifications; undefined when no SMTP server is configured (then none are sent). */
  readonly smtp: SmtpConfig | undefined;
  /** Database timeouts: one statement (routes may allow more), opening a connection. */
  readonly database: { readonly statementTimeoutMs: number; readonly connectTimeoutMs: number };
  /** How often the audit chains are verified and their heads written to the log. */
  readonly auditCheckpointMinutes: number;
  /** Limits on online unlock attempts per client address and per card, in one window. */
  readonly onlineUnlockLimits: {
    readonly perAddress: number;
    readonly perCard: number;
    readonly windowMinutes: number;
  };
  /**
   * How many argon2 verifications (passwords, security answers) run at once and how many anonymous ones
   * may wait (CARDWARDEN_ARGON2_CONCURRENCY, CARDWARDEN_ARGON2_QUEUE); undefined: sized from the cores.
   */
  readonly argon2?: { readonly concurrency: number; readonly queueLimit: number } | undefined;
  /**
   * Anonymous requests (online unlock, sign-in) at work at once and waiting
   * (CARDWARDEN_ANONYMOUS_CONCURRENCY, CARDWARDEN_ANONYMOUS_QUEUE); undefined: the defaults, as for
   * what it leaves out (the queue's delay target, the event loop's delay limit).
   */
  readonly anonymousAdmission?: AnonymousAdmissionOptions | undefined;
  /** Loopback port serving `/metrics` without sign-in (CARDWARDEN_METRICS_PORT); undefined: none. */
  readonly metricsPort?: number | undefined;
  /** Directory (LDAP / Active Directory) sync and sign-in; undefined when CARDWARDEN_LDAP_URL is unset. */
  readonly directory?: DirectoryConfig | undefined;
  /** OpenID Connect single sign-on; undefined when CARDWARDEN_OIDC_ISSUER is unset (config-sso.ts). */
  readonly sso?: SsoConfig | undefined;
}

export interface SmtpConfig {
  /** `smtp://user:password@host:587` (STARTTLS when offered) or `smtps://…:465`. */
  readonly url: string;
  readonly from: string;
  /** PEM file of the CA that signed the SMTP server's certificate, when it is not a public one. */
  readonly caFile: string | undefined;
  /** Also notify this mailbox (for example the security team) of every unblock. */
  readonly securityMailbox: string | undefined;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

export type DirectoryRole = OperatorRole;

/** Which directory attribute holds what; the defaults work for Active Directory and for OpenLDAP. */
export interface DirectoryAttributes {
  /** Tried in order: the first one an entry has is its username. */
  readonly username: readonly string[];
  readonly displayName: string;
  readonly email: string;
  /** Tried in order: the entry's stable id (binary GUIDs are read as hex). */
  readonly id: readonly string[];
  /** Integer flags attribute whose bit 2 (value 2) means "account disabled" (AD's userAccountControl). */
  readonly disabledFlags: string;
  readonly memberOf: string;
}

export interface DirectoryConfig {
  /** ldap://, ldaps:// */
  readonly url: string;
  readonly bindDn: string;
  /** The service account's password, read from CARDWARDEN_LDAP_BIND_PASSWORD_FILE at start. Never logged. */
  readonly bindPassword: string;
  readonly baseDn: string;
  readonly userFilter: string;
  /** Where group objects are searched for nested membership (default: the base DN). */
  readonly groupBaseDn: string;
  readonly attributes: DirectoryAttributes;
  /** Group DN (lower case) -> staff role. */
  readonly groupRoles: ReadonlyMap<string, DirectoryRole>;
  /** Minutes between scheduled syncs; undefined: only on demand. */
  readonly syncIntervalMinutes: number | undefined;
  readonly allowPlaintext: boolean;
  readonly startTls: boolean;
  /** PEM file of the CA that signed the directory's certificate; undefined: the system trust store. */
  readonly caFile: string | undefined;
  readonly pageSize: number;
  readonly timeoutMs: number;
}

/** Whether `host` is a loopback address (plain LDAP to it never crosses a network). */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '').toLowerCase();
  return bare === 'localhost' || bare === '::1' || /^127\.\d+\.\d+\.\d+$/.test(bare);
}

function list(raw: string | undefined, fallback: readonly string[]): readonly string[] {
  if (raw === undefined || raw.trim() === '') return fallback;
  return raw
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '');
}

/**
 * CARDWARDEN_LDAP_GROUP_ROLES: `groupDN=role;groupDN=role` (the last `=` of each pair splits it, since DNs
 * contain `=`), or a JSON object {"groupDN": "role"}.
 */
export function parseGroupRoles(
  raw: string | undefined,
  variable = 'CARDWARDEN_LDAP_GROUP_ROLES',
): ReadonlyMap<string, DirectoryRole> {
  const roles = new Map<string, DirectoryRole>();
  if (raw === undefined || raw.trim() === '') return roles;
  let pairs: [string, string][];
  if (raw.trim().startsWith('{')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      throw new ConfigError(`${variable} is not valid JSON: use {"cn=admins,dc=example,dc=org": "admin"}`);
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new ConfigError(`${variable} must be a JSON object of group to role`);
    }
    pairs = Object.entries(parsed).map(([dn, role]) => [dn, String(role)]);
  } else {
    pairs = raw
      .split(';')
      .map((pair) => pair.trim())
      .filter((pair) => pair !== '')
      .map((pair) => {
        const at = pair.lastIndexOf('=');
        return [pair.slice(0, Math.max(at, 0)).trim(), pair.slice(at + 1).trim()];
      });
  }
  for (const [dn, role] of pairs) {
    if (!dn || !(OPERATOR_ROLES as readonly string[]).includes(role)) {
      throw new ConfigError(
        `${variable}: "${dn}=${role}" is not "group=role" with a role among ${OPERATOR_ROLES.join(', ')}`,
      );
    }
    roles.set(normalizeDn(dn), role as DirectoryRole);
  }
  return roles;
}

/** DNs compare case-insensitively and without spaces around separators. */
export function normalizeDn(dn: string): string {
  return dn
    .split(',')
    .map((rdn) =>
      rdn
        .split('=')
        .map((part) => part.trim())
        .join('='),
    )
    .join(',')
    .toLowerCase();
}

function directoryConfig(env: NodeJS.ProcessEnv, cwd: string): DirectoryConfig | undefined {
  const url = env.CARDWARDEN_LDAP_URL || undefined;
  if (!url) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ConfigError(
      'CARDWARDEN_LDAP_URL must be an ldap:// or ldaps:// URL, e.g. ldaps://dc1.example.org:636',
    );
  }
  if (parsed.protocol !== 'ldap:' && parsed.protocol !== 'ldaps:') {
    throw new ConfigError(
      'CARDWARDEN_LDAP_URL must be an ldap:// or ldaps:// URL, e.g. ldaps://dc1.example.org:636',
    );
  }
  const allowPlaintext = env.CARDWARDEN_LDAP_ALLOW_PLAINTEXT === 'true';
  const startTls = env.CARDWARDEN_LDAP_STARTTLS === 'true';
  if (parsed.protocol === 'ldap:' && !startTls && !allowPlaintext && !isLoopbackHost(parsed.hostname)) {
    throw new ConfigError(
      `CARDWARDEN_LDAP_URL ${url} would send passwords in clear over the network: use ldaps://, or set ` +
        'CARDWARDEN_LDAP_STARTTLS=true, or (only on a trusted network) CARDWARDEN_LDAP_ALLOW_PLAINTEXT=true',
    );
  }
  const bindDn = env.CARDWARDEN_LDAP_BIND_DN || '';
  const passwordFile = env.CARDWARDEN_LDAP_BIND_PASSWORD_FILE || undefined;
  let bindPassword = '';
  if (bindDn && !passwordFile) {
    throw new ConfigError(
      'CARDWARDEN_LDAP_BIND_DN is set: put its password in a file and name it in CARDWARDEN_LDAP_BIND_PASSWORD_FILE',
    );
  }
  if (passwordFile) {
    try {
      bindPassword = readFileSync(resolve(cwd, passwordFile), 'utf8').replace(/\r?\n$/, '');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
      throw new ConfigError(
        `CARDWARDEN_LDAP_BIND_PASSWORD_FILE ${passwordFile} cannot be read (${code}): check the path and its permissions`,
      );
    }
  }
  const baseDn = env.CARDWARDEN_LDAP_BASE_DN || '';
  if (!baseDn)
    throw new ConfigError(
      'CARDWARDEN_LDAP_URL is set: set CARDWARDEN_LDAP_BASE_DN too, e.g. ou=people,dc=example,dc=org',
    );
  const userFilter = env.CARDWARDEN_LDAP_USER_FILTER || '(|(objectClass=user)(objectClass=inetOrgPerson))';
  if (!/^\(.*\)$/s.test(userFilter.trim())) {
    throw new ConfigError(
      'CARDWARDEN_LDAP_USER_FILTER must be an LDAP filter in parentheses, e.g. (objectClass=person)',
    );
  }
  const interval = env.CARDWARDEN_LDAP_SYNC_INTERVAL;
  return Object.freeze({
    url,
    bindDn,
    bindPassword,
    baseDn,
    userFilter: userFilter.trim(),
    groupBaseDn: env.CARDWARDEN_LDAP_GROUP_BASE_DN || baseDn,
    attributes: Object.freeze({
      username: list(env.CARDWARDEN_LDAP_ATTR_USERNAME, ['sAMAccountName', 'uid']),
      displayName: env.CARDWARDEN_LDAP_ATTR_DISPLAY_NAME || 'displayName',
      email: env.CARDWARDEN_LDAP_ATTR_EMAIL || 'mail',
      id: list(env.CARDWARDEN_LDAP_ATTR_ID, ['objectGUID', 'entryUUID']),
      disabledFlags: env.CARDWARDEN_LDAP_ATTR_DISABLED_FLAGS || 'userAccountControl',
      memberOf: env.CARDWARDEN_LDAP_ATTR_MEMBER_OF || 'memberOf',
    }),
    groupRoles: parseGroupRoles(env.CARDWARDEN_LDAP_GROUP_ROLES),
    syncIntervalMinutes:
      interval === undefined || interval === ''
        ? undefined
        : integer(env, 'CARDWARDEN_LDAP_SYNC_INTERVAL', 60, 1, 7 * 24 * 60),
    allowPlaintext,
    startTls,
    caFile: env.CARDWARDEN_LDAP_CA_FILE ? resolve(cwd, env.CARDWARDEN_LDAP_CA_FILE) : undefined,
    pageSize: integer(env, 'CARDWARDEN_LDAP_PAGE_SIZE', 500, 1, 10_000),
    timeoutMs: integer(env, 'CARDWARDEN_LDAP_TIMEOUT_SECONDS', 10, 1, 600) * 1000,
  });
}

/** OpenID Connect single sign-on (docs/sso.md). */
export interface SsoConfig {
  /** The issuer URL; its /.well-known/openid-configuration is read at start (discovery). */
  readonly issuer: string;
  readonly clientId: string;
  /** Read from CARDWARDEN_OIDC_CLIENT_SECRET_FILE; undefined: a public client (PKCE only). Never logged. */
  readonly clientSecret: string | undefined;
  /** Where the provider sends the browser back: …/api/v1/auth/sso/callback, registered at the provider. */
  readonly redirectUrl: string;
  /** Where the provider sends the browser after signing out there; registered at the provider. */
  readonly postLogoutRedirectUrl: string;
  readonly scopes: readonly string[];
  /** The claim (in the ID token or userinfo) listing the person's groups. */
  readonly groupsClaim: string;
  /** Group name or id (lower case) -> staff role; a staff member in none of them is refused. */
  readonly groupRoles: ReadonlyMap<string, DirectoryRole>;
  /** The claim naming the person: a staff member's username, matched to a cardholder's username. */
  readonly usernameClaim: string;
  /** How an SSO sign-in finds its cardholder: the username claim against usernames, or the email. */
  readonly cardholderMatch: 'username' | 'email';
  /** Test-only: allow an http:// issuer (openid-client refuses it otherwise). Logged as a warning. */
  readonly allowInsecureHttp: boolean;
  /** How recent an SSO sign-in must be to count as a step-up. */
  readonly stepUpMaxAgeSeconds: number;
}

function ssoUrl(name: string, value: string, allowHttp: boolean, loopbackHttp = true): string {
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    throw new ConfigError(`${name} must be an absolute https:// URL, got "${value}"`);
  }
  if (
    parsed.protocol !== 'https:' &&
    !(parsed.protocol === 'http:' && (allowHttp || (loopbackHttp && isLoopbackHost(parsed.hostname))))
  ) {
    throw new ConfigError(
      `${name} ${value} is not https://: tokens would cross the network in clear. Use https:// (only for tests: CARDWARDEN_OIDC_ALLOW_INSECURE_HTTP=true)`,
    );
  }
  return parsed.href;
}

function ssoConfig(env: NodeJS.ProcessEnv, cwd: string): SsoConfig | undefined {
  const issuer = env.CARDWARDEN_OIDC_ISSUER || undefined;
  if (!issuer) return undefined;
  const allowInsecureHttp = env.CARDWARDEN_OIDC_ALLOW_INSECURE_HTTP === 'true';
  ssoUrl('CARDWARDEN_OIDC_ISSUER', issuer, allowInsecureHttp, false);
  const clientId = env.CARDWARDEN_OIDC_CLIENT_ID || '';
  if (!clientId) {
    throw new ConfigError(
      'CARDWARDEN_OIDC_ISSUER is set: set CARDWARDEN_OIDC_CLIENT_ID to the client id registered at the provider',
    );
  }
  const secretFile = env.CARDWARDEN_OIDC_CLIENT_SECRET_FILE || undefined;
  let clientSecret: string | undefined;
  if (secretFile) {
    try {
      clientSecret = readFileSync(resolve(cwd, secretFile), 'utf8').replace(/\r?\n$/, '');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
      throw new ConfigError(
        `CARDWARDEN_OIDC_CLIENT_SECRET_FILE ${secretFile} cannot be read (${code}): check the path and its permissions`,
      );
    }
    if (!clientSecret) throw new ConfigError(`CARDWARDEN_OIDC_CLIENT_SECRET_FILE ${secretFile} is empty`);
  }
  const publicUrl = env.CARDWARDEN_PUBLIC_URL || undefined;
  const redirect =
    env.CARDWARDEN_OIDC_REDIRECT_URL ||
    (publicUrl ? new URL(api.sso.callback.path, publicUrl).href : undefined);
  if (!redirect) {
    throw new ConfigError(
      `CARDWARDEN_OIDC_ISSUER is set: set CARDWARDEN_PUBLIC_URL (e.g. https://cardwarden.example.org) or CARDWARDEN_OIDC_REDIRECT_URL (…${api.sso.callback.path})`,
    );
  }
  const redirectUrl = ssoUrl('CARDWARDEN_OIDC_REDIRECT_URL', redirect, allowInsecureHttp);
  if (new URL(redirectUrl).pathname !== api.sso.callback.path) {
    throw new ConfigError(
      `CARDWARDEN_OIDC_REDIRECT_URL must end in ${api.sso.callback.path}, got ${redirectUrl}`,
    );
  }
  const match = env.CARDWARDEN_OIDC_CARDHOLDER_MATCH || 'username';
  if (match !== 'username' && match !== 'email') {
    throw new ConfigError(`CARDWARDEN_OIDC_CARDHOLDER_MATCH must be "username" or "email", got "${match}"`);
  }
  return Object.freeze({
    issuer,
    clientId,
    clientSecret,
    redirectUrl,
    postLogoutRedirectUrl: ssoUrl(
      'CARDWARDEN_OIDC_POST_LOGOUT_REDIRECT_URL',
      env.CARDWARDEN_OIDC_POST_LOGOUT_REDIRECT_URL || new URL('/', redirectUrl).href,
      allowInsecureHttp,
    ),
    scopes: list(env.CARDWARDEN_OIDC_SCOPES?.replace(/ /g, ','), ['openid', 'profile', 'email']),
    groupsClaim: env.CARDWARDEN_OIDC_GROUPS_CLAIM || 'groups',
    groupRoles: parseGroupRoles(env.CARDWARDEN_OIDC_GROUP_ROLES, 'CARDWARDEN_OIDC_GROUP_ROLES'),
    usernameClaim: env.CARDWARDEN_OIDC_USERNAME_CLAIM || 'preferred_username',
    cardholderMatch: match,
    allowInsecureHttp,
    stepUpMaxAgeSeconds: integer(env, 'CARDWARDEN_OIDC_STEP_UP_MAX_AGE_SECONDS', 300, 30, 3600),
  });
}

function integer(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name} must be a whole number from ${min} to ${max}, got "${raw}"`);
  }
  return value;
}

/**
 * CARDWARDEN_TRUST_PROXY: a hop count (1 behind one reverse proxy), or proxy addresses. "true" (believe
 * every hop, so any client could name its own address) is refused.
 */
function trustProxy(raw: string | undefined): false | number | string {
  if (raw === undefined || raw === '' || raw === 'false' || raw === '0') return false;
  if (/^\d+$/.test(raw)) {
    const hops = Number(raw);
    if (hops > 10)
      throw new ConfigError(`CARDWARDEN_TRUST_PROXY must be a hop count from 0 to 10, got "${raw}"`);
    return hops;
  }
  if (raw === 'true') {
    throw new ConfigError(
      'CARDWARDEN_TRUST_PROXY=true would believe any client-supplied X-Forwarded-For; set the number of proxies in front of the server (e.g. 1) or their addresses',
    );
  }
  return raw;
}

/** The argon2 gate: each variable defaults to what suits the machine's cores. */
function argon2Config(env: NodeJS.ProcessEnv): { concurrency: number; queueLimit: number } {
  const defaults = defaultArgon2GateOptions();
  const concurrency = integer(env, 'CARDWARDEN_ARGON2_CONCURRENCY', defaults.concurrency, 1, 256);
  return Object.freeze({
    concurrency,
    queueLimit: integer(env, 'CARDWARDEN_ARGON2_QUEUE', 8 * concurrency, 0, 100_000),
  });
}

/** The first admin's password meets the rules every other password meets. */
function adminPassword(raw: string | undefined): string | undefined {
  if (raw === undefined || raw === '') return undefined;
  const checked = NewPassword.safeParse(raw);
  if (!checked.success) {
    const why = checked.error.issues.map((issue) => issue.message).join('; ');
    throw new ConfigError(
      `CARDWARDEN_ADMIN_PASSWORD does not meet the password rules (${why}); set a longer one, or unset it to have a password generated`,
    );
  }
  return raw;
}

/** The HSM settings, or undefined when `CARDWARDEN_PKCS11_MODULE` is not set. */
function pkcs11Config(env: NodeJS.ProcessEnv, cwd: string): Pkcs11Config | undefined {
  const module = env.CARDWARDEN_PKCS11_MODULE;
  if (!module) return undefined;
  const tokenLabel = env.CARDWARDEN_PKCS11_TOKEN_LABEL || undefined;
  const slot = env.CARDWARDEN_PKCS11_SLOT
    ? integer(env, 'CARDWARDEN_PKCS11_SLOT', 0, 0, 2 ** 32 - 1)
    : undefined;
  if (tokenLabel === undefined && slot === undefined) {
    throw new ConfigError(
      'CARDWARDEN_PKCS11_MODULE is set: also set CARDWARDEN_PKCS11_TOKEN_LABEL (the token label) or CARDWARDEN_PKCS11_SLOT',
    );
  }
  const pinFile = env.CARDWARDEN_PKCS11_PIN_FILE;
  if (!pinFile) {
    throw new ConfigError(
      'CARDWARDEN_PKCS11_MODULE is set: also set CARDWARDEN_PKCS11_PIN_FILE to a file (mode 0600) holding the token user PIN',
    );
  }
  return Object.freeze({ module: resolve(cwd, module), tokenLabel, slot, pinFile: resolve(cwd, pinFile) });
}

/** Builds the configuration from `env` (the process environment by default). */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): Readonly<Config> {
  const dataDir = resolve(cwd, env.DATA_DIR || './data');
  const databaseUrl = env.DATABASE_URL || undefined;
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new ConfigError('DATABASE_URL must be a postgres:// or postgresql:// connection string');
  }
  const kekFile = env.CARDWARDEN_KEK_FILE
    ? resolve(cwd, env.CARDWARDEN_KEK_FILE)
    : resolve(dataDir, 'kek.key');
  const webRoot = env.CARDWARDEN_WEB_ROOT;
  const smtpUrl = env.CARDWARDEN_SMTP_URL || undefined;
  if (smtpUrl && !/^smtps?:\/\//.test(smtpUrl)) {
    throw new ConfigError(
      'CARDWARDEN_SMTP_URL must be an smtp:// or smtps:// URL, e.g. smtp://user:password@mail.example.org:587',
    );
  }
  return Object.freeze({
    port: integer(env, 'PORT', 8080, 0, 65535),
    host: env.HOST || '0.0.0.0',
    metricsPort:
      env.CARDWARDEN_METRICS_PORT === undefined || env.CARDWARDEN_METRICS_PORT === ''
        ? undefined
        : integer(env, 'CARDWARDEN_METRICS_PORT', 0, 0, 65535),
    dataDir,
    databaseUrl,
    kekFile,
    pkcs11: pkcs11Config(env, cwd),
    bootstrapAdmin: Object.freeze({
      username: env.CARDWARDEN_ADMIN_USER || 'admin',
      password: adminPassword(env.CARDWARDEN_ADMIN_PASSWORD),
    }),
    logLevel: env.LOG_LEVEL || 'info',
    webRoot: webRoot ? (isAbsolute(webRoot) ? webRoot : resolve(cwd, webRoot)) : undefined,
    trustProxy: trustProxy(env.CARDWARDEN_TRUST_PROXY),
    strictStatuses: env.CARDWARDEN_STRICT_STATUSES === 'true',
    sessionHours: integer(env, 'CARDWARDEN_SESSION_HOURS', 8, 1, 24 * 30),
    smtp: smtpUrl
      ? Object.freeze({
          url: smtpUrl,
          from: env.CARDWARDEN_SMTP_FROM || 'Cardwarden <cardwarden@localhost>',
          caFile: env.CARDWARDEN_SMTP_CA_FILE ? resolve(cwd, env.CARDWARDEN_SMTP_CA_FILE) : undefined,
          securityMailbox: env.CARDWARDEN_SECURITY_MAILBOX || undefined,
        })
      : undefined,
    database: Object.freeze({
      statementTimeoutMs: integer(env, 'CARDWARDEN_DB_STATEMENT_TIMEOUT_SECONDS', 5, 1, 600) * 1000,
      connectTimeoutMs: integer(env, 'CARDWARDEN_DB_CONNECT_TIMEOUT_SECONDS', 5, 1, 120) * 1000,
    }),
    auditCheckpointMinutes: integer(env, 'CARDWARDEN_AUDIT_CHECKPOINT_MINUTES', 15, 1, 24 * 60),
    onlineUnlockLimits: Object.freeze({
      perAddress: integer(env, 'CARDWARDEN_ONLINE_UNLOCK_ADDRESS_LIMIT', 100, 1, 1_000_000),
      perCard: integer(env, 'CARDWARDEN_ONLINE_UNLOCK_CARD_LIMIT', 10, 1, 10_000),
      windowMinutes: integer(env, 'CARDWARDEN_ONLINE_UNLOCK_WINDOW_MINUTES', 10, 1, 24 * 60),
    }),
    argon2: argon2Config(env),
    anonymousAdmission: Object.freeze({
      concurrency: integer(
        env,
        'CARDWARDEN_ANONYMOUS_CONCURRENCY',
        DEFAULT_ANONYMOUS_ADMISSION.concurrency,
        1,
        1_000,
      ),
      queueLimit: integer(
        env,
        'CARDWARDEN_ANONYMOUS_QUEUE',
        DEFAULT_ANONYMOUS_ADMISSION.queueLimit,
        0,
        100_000,
      ),
    }),
    directory: directoryConfig(env, cwd),
    sso: ssoConfig(env, cwd),
  });
}
