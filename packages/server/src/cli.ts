/**
 * `cardwarden-server [command]`: `serve` (the default) runs the server; `rotate-kek` re-seals every
 * admin key under a new KEK; `reset-password USERNAME` gives a staff account a new password.
 * Configuration comes from the environment, as for the server.
 */
import { loadConfig } from './config.js';
import { describeFailure } from './fixable-errors.js';
import { rotateKek } from './keys/rotate-kek.js';
import { openStorage } from './server.js';
import { resetPasswordLocally } from './services/password.service.js';

const USAGE = `usage: cardwarden-server [serve | rotate-kek | reset-password USERNAME | help]

  serve           run the server (default)
  rotate-kek      make a new KEK and re-seal every admin key under it, in one transaction.
                  With the embedded database, stop the server first. Back up the new KEK file.
  reset-password  give the staff account USERNAME a new generated password, printed once, and end
                  its sessions (for when no admin can sign in). With the embedded database, stop the
                  server first; with PostgreSQL it works while servers run.

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

async function resetPassword(username: string | undefined): Promise<void> {
  if (!username?.trim()) {
    process.stderr.write(`cardwarden-server: name the staff account: reset-password USERNAME\n${USAGE}\n`);
    process.exitCode = 2;
    return;
  }
  const config = loadConfig();
  const { handle, lock } = await openStorage(config, 'cardwarden-server reset-password');
  try {
    const result = await resetPasswordLocally(handle.db, username.trim());
    // The password is last on its line, for scripts; it is not shown again and not stored in clear.
    process.stdout.write(`New password for ${result.username}: ${result.password}\n`);
    if (result.state !== 'active') {
      process.stderr.write(
        `note: ${result.username} is ${result.state}; an admin must make the account active before it can sign in.\n`,
      );
    }
  } finally {
    await handle.close();
    lock?.release();
  }
}

const command = process.argv[2] ?? 'serve';
const run: Record<string, () => Promise<unknown>> = {
  serve: () => import('./main.js'),
  'rotate-kek': rotate,
  'reset-password': () => resetPassword(process.argv[3]),
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
