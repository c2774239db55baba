/** Starting and stopping a whole server: database, keys, first admin, HTTP. */
import type { FastifyServerOptions } from 'fastify';
import { buildApp } from './app.js';
import type { Config } from './config.js';
import { openDatabase, type DatabaseHandle } from './db/connect.js';
import { lockDataDir, type DataDirLock } from './db/data-dir-lock.js';
import { reasonOf, StartupError } from './fixable-errors.js';
import { reservePort } from './http/port-reservation.js';
import type { App } from './http/types.js';
import { KeyCustody } from './keys/key-custody.js';
import { Notifier } from './notifications/notifier.js';
import { deleteDeadTokens } from './repositories/token.repository.js';
import { ensureFirstAdmin, type BootstrapResult } from './services/bootstrap.service.js';
import type { ServiceContext } from './services/context.js';

export interface RunningServer {
  readonly app: App;
  readonly url: string;
  readonly bootstrap: BootstrapResult;
  readonly ctx: ServiceContext;
  close(): Promise<void>;
}

/** Opens what the config names (taking the data-directory lock for the embedded database). */
export async function openStorage(
  config: Pick<Config, 'databaseUrl' | 'dataDir'>,
  command: string,
): Promise<{ handle: DatabaseHandle; lock: DataDirLock | undefined }> {
  const lock = config.databaseUrl ? undefined : lockDataDir(config.dataDir, command);
  try {
    const handle = await openDatabase(
      config.databaseUrl
        ? { kind: 'postgres', url: config.databaseUrl }
        : { kind: 'pglite', dir: config.dataDir },
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
  try {
    const keys = await KeyCustody.load(handle.db, config.kekFile);
    const bootstrap = await ensureFirstAdmin(handle.db, config.bootstrapAdmin);
    // The notifier logs through the app's logger, which exists once the app does.
    const notifier = Notifier.create(handle.db, config.smtp, {
      warn: (message) => app?.log.warn(message),
      error: (details, message) => app?.log.error(details, message),
    });
    const ctx: ServiceContext = {
      db: handle.db,
      keys,
      sessionHours: config.sessionHours,
      notifier,
      onlineUnlockLimits: config.onlineUnlockLimits,
    };
    app = await buildApp(ctx, { logger, trustProxy: config.trustProxy, webRoot: config.webRoot });
    if (!notifier.enabled) app.log.info('email notifications are off: set CARDWARDEN_SMTP_URL to send them');
    notifier.start();
    for (const warning of keys.warnings) app.log.warn(warning);
    await deleteDeadTokens(handle.db);
    // Everything is ready (routes, first admin): hand the port over with no work in between.
    await app.ready();
    portHeld = false;
    await port.release();
    const url = await app.listen({ port: port.port, host: config.host });
    const running = app;
    let closing: Promise<void> | undefined;
    return {
      app: running,
      url,
      bootstrap,
      ctx,
      close() {
        closing ??= (async () => {
          await notifier.stop();
          await running.close();
          await handle.close();
          lock?.release();
        })();
        return closing;
      },
    };
  } catch (error) {
    if (portHeld) await port.release();
    await app?.close();
    await handle.close();
    lock?.release();
    throw error;
  }
}
