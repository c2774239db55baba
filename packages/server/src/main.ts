/** `npm start`: runs the server until SIGINT or SIGTERM. Other commands: see cli.ts. */
import { fileURLToPath } from 'node:url';
import { ConfigError, loadConfig } from './config.js';
import { DataDirLockedError } from './db/data-dir-lock.js';
import { KekError } from './keys/kek-file.js';
import { startServer } from './server.js';

const DEFAULT_WEB_ROOT = fileURLToPath(new URL('../../web/dist', import.meta.url));

/** Failures a person can fix: say what and how, without a stack trace. */
export function isOperatorFixable(error: unknown): error is Error {
  return error instanceof ConfigError || error instanceof KekError || error instanceof DataDirLockedError;
}

export async function main(): Promise<void> {
  const config = loadConfig();
  const server = await startServer(
    { ...config, webRoot: config.webRoot ?? DEFAULT_WEB_ROOT },
    { level: config.logLevel, redact: ['req.headers.authorization', 'req.headers.cookie'] },
  );
  if (server.bootstrap.created) {
    const { username, generatedPassword } = server.bootstrap;
    // Printed once, to the terminal only (not the log): the first admin's sign-in.
    process.stderr.write(
      generatedPassword
        ? `\nCreated the first admin "${username}" with the password:\n\n    ${generatedPassword}\n\nSign in at ${server.url} and change it. It is not shown again.\n\n`
        : `\nCreated the first admin "${username}" with the password from CARDWARDEN_ADMIN_PASSWORD.\n\n`,
    );
  }
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    server.app.log.info(`${signal}: stopping`);
    server.close().then(
      () => process.exit(0),
      (error: unknown) => {
        server.app.log.error({ err: error }, 'error while stopping');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => {
    stop('SIGINT');
  });
  process.on('SIGTERM', () => {
    stop('SIGTERM');
  });
}

main().catch((error: unknown) => {
  if (isOperatorFixable(error)) {
    process.stderr.write(`cardwarden: ${error.message}\n`);
  } else {
    process.stderr.write(
      `cardwarden: could not start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
  }
  process.exit(1);
});
