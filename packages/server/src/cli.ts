/**
 * `cardwarden-server [command]`: `serve` (the default) runs the server; `rotate-kek` re-seals every
 * admin key under a new KEK. Configuration comes from the environment, as for the server.
 */
import { loadConfig } from './config.js';
import { useStrictUmask } from './db/private-files.js';
import { describeFailure } from './fixable-errors.js';
import { rotateKek } from './keys/rotate-kek.js';
import { openStorage } from './server.js';

const USAGE = `usage: cardwarden-server [serve | rotate-kek | help]

  serve       run the server (default)
  rotate-kek  make a new KEK and re-seal every admin key under it, in one transaction.
              With the embedded database, stop the server first. Back up the new KEK file.

Configuration: PORT, DATA_DIR, DATABASE_URL, CARDWARDEN_KEK_FILE, … (see README).`;

async function rotate(): Promise<void> {
  const config = loadConfig();
  const { handle, lock } = await openStorage(config, 'cardwarden-server rotate-kek');
  try {
    const result = await rotateKek(handle.db, config.kekFile);
    process.stdout.write(
      `Re-sealed ${result.resealed} admin key(s): KEK ${result.oldKekId} → ${result.newKekId}.\n` +
        `New KEK file: ${config.kekFile} (back it up now, apart from the database).\n` +
        `The old KEK is kept in ${result.retiredFile} for restoring older database backups; destroy it when none needs it.\n`,
    );
  } finally {
    await handle.close();
    lock?.release();
  }
}

// Before anything opens a file: the embedded database and the KEK are for this user alone.
useStrictUmask();
const command = process.argv[2] ?? 'serve';
const run: Record<string, () => Promise<unknown>> = {
  serve: () => import('./main.js'),
  'rotate-kek': rotate,
  help: () => {
    process.stdout.write(`${USAGE}\n`);
    return Promise.resolve();
  },
};

const action = run[command];
if (!action) {
  process.stderr.write(`cardwarden-server: unknown command "${command}"\n${USAGE}\n`);
  process.exit(2);
} else {
  action().catch((error: unknown) => {
    process.stderr.write(`cardwarden-server: ${describeFailure(error)}\n`);
    process.exit(1);
  });
}
