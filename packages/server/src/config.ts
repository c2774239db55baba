/**
 * The one place that reads the environment. Read once at start; fails fast with a message that says
 * which variable is wrong and how to fix it.
 */
import { isAbsolute, resolve } from 'node:path';
import { NewPassword } from '@cardwarden/contract';

export interface Config {
  readonly port: number;
  readonly host: string;
  /** Where the embedded database, the lock file and (by default) the KEK file live. */
  readonly dataDir: string;
  /** PostgreSQL connection string; when unset, the embedded PGlite database under `dataDir` is used. */
  readonly databaseUrl: string | undefined;
  readonly kekFile: string;
  readonly bootstrapAdmin: { readonly username: string; readonly password: string | undefined };
  readonly logLevel: string;
  /** Directory of the built web portals, served at `/` when present. */
  readonly webRoot: string | undefined;
  /**
   * How much of X-Forwarded-For is believed (Fastify `trustProxy`): false (none), a hop count (the client
   * is that many entries from the right), or a list of proxy addresses/CIDRs.
   */
  readonly trustProxy: false | number | string;
  readonly sessionHours: number;
  /** Email notifications; undefined when no SMTP server is configured (then none are sent). */
  readonly smtp: SmtpConfig | undefined;
  /** Limits on online unlock attempts per client address and per card, in one window. */
  readonly onlineUnlockLimits: {
    readonly perAddress: number;
    readonly perCard: number;
    readonly windowMinutes: number;
  };
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
    dataDir,
    databaseUrl,
    kekFile,
    bootstrapAdmin: Object.freeze({
      username: env.CARDWARDEN_ADMIN_USER || 'admin',
      password: adminPassword(env.CARDWARDEN_ADMIN_PASSWORD),
    }),
    logLevel: env.LOG_LEVEL || 'info',
    webRoot: webRoot ? (isAbsolute(webRoot) ? webRoot : resolve(cwd, webRoot)) : undefined,
    trustProxy: trustProxy(env.CARDWARDEN_TRUST_PROXY),
    sessionHours: integer(env, 'CARDWARDEN_SESSION_HOURS', 8, 1, 24 * 30),
    smtp: smtpUrl
      ? Object.freeze({
          url: smtpUrl,
          from: env.CARDWARDEN_SMTP_FROM || 'Cardwarden <cardwarden@localhost>',
          caFile: env.CARDWARDEN_SMTP_CA_FILE ? resolve(cwd, env.CARDWARDEN_SMTP_CA_FILE) : undefined,
          securityMailbox: env.CARDWARDEN_SECURITY_MAILBOX || undefined,
        })
      : undefined,
    onlineUnlockLimits: Object.freeze({
      perAddress: integer(env, 'CARDWARDEN_ONLINE_UNLOCK_ADDRESS_LIMIT', 100, 1, 1_000_000),
      perCard: integer(env, 'CARDWARDEN_ONLINE_UNLOCK_CARD_LIMIT', 10, 1, 10_000),
      windowMinutes: integer(env, 'CARDWARDEN_ONLINE_UNLOCK_WINDOW_MINUTES', 10, 1, 24 * 60),
    }),
  });
}
