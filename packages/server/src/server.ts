/** Starting and stopping a whole server: database, keys, first admin, HTTP. */
import { existsSync } from 'node:fs';
import { sep } from 'node:path';
import type { FastifyServerOptions } from 'fastify';
import { buildApp } from './app.js';
import type { Config } from './config.js';
import { openDatabase, type DatabaseHandle, type PostgresTimeouts } from './db/connect.js';
import { setDefaultStatementTimeout } from './db/query-budget.js';
import { lockDataDir, type DataDirLock } from './db/data-dir-lock.js';
import { reasonOf, StartupError } from './fixable-errors.js';
import { reservePort } from './http/port-reservation.js';
import { assertPrivateFile, preparePrivateDir } from './db/private-files.js';
import type { App } from './http/types.js';
import { KeyCustody } from './keys/key-custody.js';
import { Notifier } from './notifications/notifier.js';
import { ensureFirstAdmin, type BootstrapResult } from './services/bootstrap.service.js';
import { AuditCheckpointer } from './services/audit-checkpointer.js';
import { Housekeeping } from './services/housekeeping.js';
import type { ServiceContext } from './services/context.js';
import { LdapDirectory } from './directory/ldap-directory.js';
import { directoryContext, scheduledSync } from './services/directory-sync.service.js';
import { createSsoContext } from './sso/sso-context.js';
import { listenMetricsPort } from './http/metrics-endpoint.js';
import { Metrics } from './observability/metrics.js';
import { configureArgon2Gate } from './auth/password.js';
import { createAnonymousLane } from './http/anonymous-admission.js';
import { notificationOutboxDepth } from './services/metrics.service.js';
import { unitOfWork } from './db/unit-of-work.js';

/**
 * Connections waiting to be accepted (the kernel caps it at net.core.somaxconn). Node's default, 511,
 * overflowed under a flood of new connections from many addresses: the kernel then drops a newcomer's
 * SYN, and a legitimate client's connection waits for its retransmission (1 s, then 3 s).
 */
const LISTEN_BACKLOG = 4096;

export interface RunningServer {
  readonly app: App;
  readonly url: string;
  readonly bootstrap: BootstrapResult;
  readonly ctx: ServiceContext;
  /** `/metrics` on the loopback port of CARDWARDEN_METRICS_PORT, when set. */
  readonly metricsUrl: string | undefined;
  /** Verifies what is new in the audit chains and logs a checkpoint now (it also runs on a timer). */
  auditCheckpoint(): Promise<void>;
  /** Prunes rate-limit counters and dead tokens now (it also runs on a timer). */
  housekeeping(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Opens what the config names (taking the data-directory lock for the embedded database), after
 * checking that the data directory and the KEK file are closed to other users.
 */
export async function openStorage(
  config: Pick<Config, 'databaseUrl' | 'dataDir' | 'kekFile' | 'database'>,
  command: string,
  /** Where the first start says that it creates the embedded database (the terminal by default). */
  notice: (line: string) => void = (line) => process.stderr.write(`cardwarden: ${line}\n`),
): Promise<{ handle: DatabaseHandle; lock: DataDirLock | undefined }> {
  checkPrivateFiles(config);
  setDefaultStatementTimeout(config.database.statementTimeoutMs);
  const lock = config.databaseUrl ? undefined : lockDataDir(config.dataDir, command);
  try {
    const handle = await openDatabase(
      config.databaseUrl
        ? { kind: 'postgres', url: config.databaseUrl, timeouts: postgresTimeouts(config) }
        : { kind: 'pglite', dir: config.dataDir, notice },
    );
    return { handle, lock };
  } catch (error) {
    lock?.release();
    throw databaseFailure(config, error);
  }
}

/** Where DATABASE_URL points, without its user name and password. */
function databaseAddress(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.hostname || 'localhost'}:${parsed.port || '5432'}${parsed.pathname}`;
  } catch {
    return 'a URL that does not parse';
  }
}

function databaseFailure(config: Pick<Config, 'databaseUrl' | 'dataDir'>, error: unknown): StartupError {
  return new StartupError(
    config.databaseUrl
      ? `cannot use the PostgreSQL database of DATABASE_URL (${databaseAddress(config.databaseUrl)}): ${reasonOf(error, false)}. ` +
          'Check DATABASE_URL, that PostgreSQL runs there and that the database and user exist'
      : `cannot open the embedded database in ${config.dataDir}: ${reasonOf(error)}`,
  );
}

/** The connection timeouts for PostgreSQL, from the config. */
export function postgresTimeouts(config: Pick<Config, 'database'>): PostgresTimeouts {
  return {
    connectMs: config.database.connectTimeoutMs,
    statementMs: config.database.statementTimeoutMs,
    // Longer than any statement, so only a transaction nobody drives any more is ended.
    idleInTransactionMs: Math.max(15_000, config.database.statementTimeoutMs * 3),
  };
}

/** Refuses, with the chmod that fixes it, a data directory or KEK file that others may read or write. */
function checkPrivateFiles(config: Pick<Config, 'databaseUrl' | 'dataDir' | 'kekFile'>): void {
  // With PostgreSQL the data directory only matters when it holds the KEK file (the default).
  if (!config.databaseUrl || config.kekFile.startsWith(config.dataDir + sep))
    preparePrivateDir(config.dataDir);
  if (existsSync(config.kekFile)) assertPrivateFile(config.kekFile, 'the KEK file');
}

export async function startServer(
  config: Config,
  logger: FastifyServerOptions['logger'],
  storage?: { handle: DatabaseHandle; lock: DataDirLock | undefined },
): Promise<RunningServer> {
  // Bind first: a server that cannot listen creates nothing (no database, KEK file or first admin).
  const port = await reservePort(config.port, config.host);
  let opened: { handle: DatabaseHandle; lock: DataDirLock | undefined };
  try {
    opened = storage ?? (await openStorage(config, 'cardwarden server'));
  } catch (error) {
    await port.release();
    throw error;
  }
  const { handle, lock } = opened;
  let app: App | undefined;
  let portHeld = true;
  let custody: KeyCustody | undefined;
  let metricsPort: Awaited<ReturnType<typeof listenMetricsPort>> | undefined;
  try {
    if (config.argon2) configureArgon2Gate(config.argon2);
    const keys = config.pkcs11
      ? await KeyCustody.loadHsm(handle.db, config.pkcs11)
      : await KeyCustody.load(handle.db, config.kekFile);
    custody = keys;
    const bootstrap = await ensureFirstAdmin(handle.db, unitOfWork(handle.db), config.bootstrapAdmin);
    // The notifier logs through the app's logger, which exists once the app does.
    const notifier = Notifier.create(handle.db, config.smtp, {
      warn: (message) => app?.log.warn(message),
      error: (details, message) => app?.log.error(details, message),
    });
    const metrics = new Metrics({
      databaseKind: handle.kind,
      poolStats: () => handle.poolStats(),
      outboxDepth: () => notificationOutboxDepth(handle.db),
    });
    const ctx: ServiceContext = {
      metrics,
      db: handle.db,
      keys,
      sessionHours: config.sessionHours,
      notifier,
      onlineUnlockLimits: config.onlineUnlockLimits,
      anonymousLane: createAnonymousLane(config.anonymousAdmission),
      directory: config.directory
        ? directoryContext(config.directory, new LdapDirectory(config.directory))
        : undefined,
      sso: config.sso ? createSsoContext(config.sso, config.sessionHours) : undefined,
    };
    app = await buildApp(ctx, {
      logger,
      trustProxy: config.trustProxy,
      webRoot: config.webRoot,
      statementTimeoutMs: config.database.statementTimeoutMs,
      metrics,
      strictStatuses: config.strictStatuses,
    });
    if (!notifier.enabled) app.log.info('email notifications are off: set CARDWARDEN_SMTP_URL to send them');
    notifier.start();
    if (config.sso?.allowInsecureHttp) {
      app.log.warn(
        'CARDWARDEN_OIDC_ALLOW_INSECURE_HTTP=true: single sign-on accepts a plain-HTTP identity provider. Only for tests: tokens cross the network in clear',
      );
    }

    for (const warning of keys.warnings) app.log.warn(warning);
    // Everything is ready (routes, first admin): hand the port over with no work in between.
    await app.ready();
    portHeld = false;
    await port.release();
    const url = await app.listen({ port: port.port, host: config.host, backlog: LISTEN_BACKLOG });
    metricsPort =
      config.metricsPort === undefined ? undefined : await listenMetricsPort(metrics, config.metricsPort);
    if (metricsPort) app.log.info(`metrics without sign-in at ${metricsPort.url} (loopback only)`);
    const servedMetrics = metricsPort;
    const checkpointer = new AuditCheckpointer(handle.db, app.log, config.auditCheckpointMinutes * 60_000);
    checkpointer.start();
    const housekeeping = new Housekeeping(handle.db, app.log);
    housekeeping.start();
    const running = app;
    const syncTimer = scheduleDirectorySync(ctx, config, running);
    let closing: Promise<void> | undefined;
    return {
      app: running,
      url,
      bootstrap,
      ctx,
      metricsUrl: servedMetrics?.url,
      auditCheckpoint: () => checkpointer.checkpoint(),
      housekeeping: () => housekeeping.runOnce(),
      close() {
        closing ??= (async () => {
          await notifier.stop();
          await checkpointer.stop();
          await housekeeping.stop();
          if (syncTimer) clearInterval(syncTimer);
          await servedMetrics?.close();
          await running.close();
          await handle.close();
          custody?.close();
          lock?.release();
        })();
        return closing;
      },
    };
  } catch (error) {
    if (portHeld) await port.release();
    await metricsPort?.close();
    await app?.close();
    await handle.close();
    custody?.close();
    lock?.release();
    throw error;
  }
}

/** Scheduled directory syncs (CARDWARDEN_LDAP_SYNC_INTERVAL); none at start, none without the setting. */
function scheduleDirectorySync(ctx: ServiceContext, config: Config, app: App): NodeJS.Timeout | undefined {
  const minutes = config.directory?.syncIntervalMinutes;
  if (minutes === undefined || !ctx.directory) return undefined;
  const timer = setInterval(() => {
    scheduledSync(ctx, unitOfWork(ctx.db)).then(
      (result) => {
        app.log.info({ directorySync: result }, 'directory sync completed');
      },
      (error: unknown) => {
        app.log.warn(`directory sync failed: ${error instanceof Error ? error.message : String(error)}`);
      },
    );
  }, minutes * 60_000);
  timer.unref();
  return timer;
}
