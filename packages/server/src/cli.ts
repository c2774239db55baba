/**
 * `cardwarden-server [command]`: `serve` (the default) runs the server; `rotate-kek` re-seals every
 * admin key under a new KEK; `reset-password USERNAME` gives a staff account a new password;
 * `reset-second-factor USERNAME REASON` removes a staff member's second factors; `audit-verify` checks the
 * audit hash chains. Configuration comes from the environment, as for the
 * server.
 */
import { loadConfig } from './config.js';
import { openDatabase } from './db/connect.js';
import { useStrictUmask } from './db/private-files.js';
import { describeFailure, StartupError } from './fixable-errors.js';
import { moveKekToHsm, rotateHsmKek, rotateKek } from './keys/rotate-kek.js';
import { openStorage, postgresTimeouts } from './server.js';
import { describeBreak, verifyAuditChains } from './services/audit-chain.service.js';
import { resetPasswordLocally } from './services/password.service.js';
import { resetSecondFactorsLocally } from './auth/second-factor/second-factor.service.js';
import { inTransaction, unitOfWork } from './db/unit-of-work.js';

const USAGE = `usage: cardwarden-server [serve | rotate-kek | reset-password USERNAME |
                         reset-second-factor USERNAME REASON | audit-verify | help]

  serve           run the server (default)
  rotate-kek [--to-hsm]
                  make a new KEK and re-seal every sealed key under it, in one transaction: a new KEK
                  file, or with an HSM (CARDWARDEN_PKCS11_*) a new KEK on the token. --to-hsm moves a
                  KEK-file installation onto the HSM. Stop the servers first (embedded database), or
                  restart them afterwards. Back up the new KEK file or the token.
  reset-password  give the staff account USERNAME a new generated password, printed once, and end
                  its sessions (for when no admin can sign in). With the embedded database, stop the
                  server first; with PostgreSQL it works while servers run.
  reset-second-factor
                  remove the authenticator app, passkeys and recovery codes of the staff account
                  USERNAME and end its sessions (audited with REASON), for when no admin can sign in.
  audit-verify    check every audit hash chain; exits 1 naming the first event that does not match.
                  With DATABASE_URL it runs beside running servers (DATA_DIR is ignored); with the
                  embedded database (DATA_DIR), stop the server first.

Configuration: PORT, DATA_DIR, DATABASE_URL, CARDWARDEN_KEK_FILE, … (see README).`;

async function rotate(args: readonly string[]): Promise<void> {
  const toHsm = args.includes('--to-hsm');
  const unknown = args.filter((a) => a !== '--to-hsm');
  if (unknown.length > 0) {
    process.stderr.write(`cardwarden-server: rotate-kek: unknown option ${unknown.join(' ')}\n${USAGE}\n`);
    process.exitCode = 2;
    return;
  }
  const config = loadConfig();
  if (toHsm && !config.pkcs11) {
    throw new StartupError(
      'rotate-kek --to-hsm moves the keys onto an HSM: set CARDWARDEN_PKCS11_MODULE, CARDWARDEN_PKCS11_TOKEN_LABEL ' +
        '(or CARDWARDEN_PKCS11_SLOT) and CARDWARDEN_PKCS11_PIN_FILE, and keep CARDWARDEN_KEK_FILE naming the current KEK file',
    );
  }
  const { handle, lock } = await openStorage(config, 'cardwarden-server rotate-kek');
  try {
    if (config.pkcs11 && toHsm) {
      const result = await moveKekToHsm(handle.db, config.kekFile, config.pkcs11);
      process.stdout.write(
        `Re-sealed ${result.resealed} admin key(s) and ${result.resealedMasters} master(s): KEK file ${result.oldKekId} → ` +
          `KEK "${result.newLabel}" (${result.newKekId}) on the HSM.\n` +
          `The KEK file is no longer used; it was moved to ${result.retiredFile} for restoring older database backups: ` +
          'destroy it when none needs it. Back the token up now. Start the server with the same CARDWARDEN_PKCS11_* settings.\n',
      );
    } else if (config.pkcs11) {
      const result = await rotateHsmKek(handle.db, config.pkcs11);
      process.stdout.write(
        `Re-sealed ${result.resealed} admin key(s) and ${result.resealedMasters} master(s): KEK "${result.oldLabel}" (${result.oldKekId}) → ` +
          `"${result.newLabel}" (${result.newKekId}) on the HSM. The old KEK was destroyed on the token.\n` +
          'Back the token up now, and restart every running server.\n',
      );
    } else {
      const result = await rotateKek(handle.db, config.kekFile);
      process.stdout.write(
        `Re-sealed ${result.resealed} admin key(s) and ${result.resealedMasters} master(s): KEK ${result.oldKekId} → ${result.newKekId}.\n` +
          `New KEK file: ${config.kekFile} (back it up now, apart from the database).\n` +
          `The old KEK is kept in ${result.retiredFile} for restoring older database backups; destroy it when none needs it.\n`,
      );
    }
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
    const result = await resetPasswordLocally(unitOfWork(handle.db), username.trim());
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

async function resetSecondFactor(username: string | undefined, reason: string): Promise<void> {
  if (!username?.trim() || reason.trim().length < 3) {
    process.stderr.write(
      `cardwarden-server: name the staff account and say why: reset-second-factor USERNAME REASON\n${USAGE}\n`,
    );
    process.exitCode = 2;
    return;
  }
  const config = loadConfig();
  const { handle, lock } = await openStorage(config, 'cardwarden-server reset-second-factor');
  try {
    const result = await inTransaction(handle.db, (tx) =>
      resetSecondFactorsLocally(tx, username.trim(), reason.trim()),
    );
    process.stdout.write(
      `Removed the second factors of ${result.username} (authenticator app: ${result.totp ? 'yes' : 'no'}, passkeys: ${String(result.passkeys)}); their sessions ended.\n`,
    );
  } finally {
    await handle.close();
    lock?.release();
  }
}

/** Exit status 0 when every chain is intact; 1 naming the first event that is not. */
async function auditVerify(): Promise<void> {
  const config = loadConfig();
  // With PostgreSQL nothing local is involved: no lock, no data directory.
  const { handle, lock } = config.databaseUrl
    ? {
        handle: await openDatabase({
          kind: 'postgres',
          url: config.databaseUrl,
          timeouts: postgresTimeouts(config),
        }),
        lock: undefined,
      }
    : await openStorage(config, 'cardwarden-server audit-verify');
  try {
    const report = await verifyAuditChains(handle.db);
    const [first] = report.breaks;
    if (first) {
      const more = report.breaks.length - 1;
      process.stdout.write(
        `audit chain BROKEN at ${describeBreak(first)}\n` +
          (more > 0 ? `(and ${String(more)} more problem(s) after it)\n` : '') +
          'Restore the audit trail from a backup and find out who could write to the database.\n',
      );
      process.exitCode = 1;
      return;
    }
    const heads = report.heads
      .map(
        (head) =>
          `  chain ${String(head.chain).padStart(2)}: ${String(head.pos).padStart(8)} ${head.hash || '-'}`,
      )
      .join('\n');
    process.stdout.write(
      `audit chain intact: ${String(report.events)} event(s) in ${String(report.heads.length)} chains.\n` +
        `Heads (position, hash); the last "audit chain checkpoint" in the server log must not be ahead of them:\n${heads}\n`,
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
  'rotate-kek': () => rotate(process.argv.slice(3)),
  'reset-password': () => resetPassword(process.argv[3]),
  'reset-second-factor': () => resetSecondFactor(process.argv[3], process.argv.slice(4).join(' ')),
  'audit-verify': auditVerify,
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
