/** `npm start`: runs the server until SIGINT or SIGTERM. Other commands: see cli.ts. */
import { fileURLToPath } from 'node:url';
import { loadConfig } from './config.js';
import { useStrictUmask } from './db/private-files.js';
import { describeFailure } from './fixable-errors.js';
import { startServer } from './server.js';

const DEFAULT_WEB_ROOT = fileURLToPath(new URL('../../web/dist', import.meta.url));

async function main(): Promise<void> {
  useStrictUmask();
  const config = loadConfig();
  const server = await startServer(
    { ...config, webRoot: config.webRoot ?? DEFAULT_WEB_ROOT },
    {
      level: config.logLevel,
      redact: [
        'req.headers.authorization',
        'req.headers.cookie',
        'req.headers["x-cardwarden-transport-key"]',
      ],
    },
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
  process.stderr.write(`cardwarden: ${describeFailure(error)}\n`);
  process.exit(1);
});
