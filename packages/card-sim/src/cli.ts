/**
 * `cardwarden-card`: runs a software GIDS or PIV card behind vpcd until stopped.
 *
 *   cardwarden-card gids --state FILE --admin-key HEX --pin PIN --serial HEX [--algorithm A] [--vpcd HOST:PORT]
 *   cardwarden-card piv  --state FILE --management-key HEX --pin PIN --puk PUK [--algorithm A] [--vpcd HOST:PORT]
 *
 * An existing state file is used as it is. SIGUSR1 blocks the PIN (for testers); SIGINT/SIGTERM remove the
 * card and exit.
 */
import { parseArgs } from 'node:util';
import { parseTryLimit, parseVpcdAddress, resolveAlgorithm } from './card-options.js';
import { GidsCard } from './gids/gids-card.js';
import { CardStateError, newGidsCardState, parseGidsCardState } from './gids/gids-card-state.js';
import { PivCard } from './piv/piv-card.js';
import { newPivCardState, parsePivCardState } from './piv/piv-card-state.js';
import { T0Responses } from './t0-responses.js';
import { readStateFile, writeStateFile } from './state-file.js';
import { VPCD_DEFAULT, VpcdCardConnection } from './vpcd/vpcd-card-connection.js';

const USAGE = `Usage:
  cardwarden-card gids --state FILE --admin-key HEX --pin PIN --serial HEX
                       [--algorithm 3des|aes128|aes192|aes256] [--pin-tries N] [--admin-tries N|none]
                       [--block-pin] [--t0] [--vpcd HOST:PORT]
  cardwarden-card piv  --state FILE --management-key HEX --pin PIN --puk PUK [--serial DECIMAL]
                       [--algorithm 3des|aes128|aes192|aes256] [--pin-tries N] [--puk-tries N]
                       [--block-pin] [--t0] [--vpcd HOST:PORT]

Runs a software smart card in vpcd's virtual reader (default ${VPCD_DEFAULT.host}:${VPCD_DEFAULT.port},
reader "Virtual PCD 00 00") until stopped with Ctrl+C. The card's state (PIN, counters, keys) lives in the
state file: an existing file is used as it is, and the key and PIN options are then not needed.
--block-pin, or the signal SIGUSR1 while running, blocks the PIN so you can try an unblock.
--t0 answers as a card behind a T=0 reader: 61xx (fetch with GET RESPONSE) and 6Cxx (wrong Le).
Needs pcscd with vsmartcard-vpcd: apt-get install pcscd vsmartcard-vpcd.`;

/** Exit statuses of cardwarden-card. */
const EXIT = { STOPPED: 0, STATE: 1, USAGE: 2 } as const;

class UsageError extends Error {}

const OPTIONS = {
  state: { type: 'string' },
  'admin-key': { type: 'string' },
  'management-key': { type: 'string' },
  pin: { type: 'string' },
  puk: { type: 'string' },
  serial: { type: 'string' },
  algorithm: { type: 'string' },
  'pin-tries': { type: 'string' },
  'puk-tries': { type: 'string' },
  'admin-tries': { type: 'string' },
  'block-pin': { type: 'boolean' },
  t0: { type: 'boolean' },
  vpcd: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>['values'];

function required(values: Values, name: 'admin-key' | 'management-key' | 'pin' | 'puk' | 'serial'): string {
  const value = values[name];
  if (value === undefined)
    throw new UsageError(`--${name} is needed to create a new card (no state file yet)`);
  return value;
}

function log(line: string): void {
  process.stdout.write(`cardwarden-card: ${line}\n`);
}

interface StartedCard {
  card: GidsCard | PivCard;
  describe: string;
}

function startGids(values: Values, path: string): StartedCard {
  const stored = readStateFile(path);
  const state =
    stored === undefined
      ? newGidsCardState({
          serial: required(values, 'serial'),
          adminKey: required(values, 'admin-key'),
          algorithm: resolveAlgorithm(required(values, 'admin-key'), values.algorithm),
          pin: required(values, 'pin'),
          pinTryLimit: parseTryLimit('--pin-tries', values['pin-tries'], false) ?? undefined,
          adminTryLimit: parseTryLimit('--admin-tries', values['admin-tries'], true),
        })
      : parseGidsCardState(stored);
  if (stored !== undefined) log(`using the existing state file ${path} as it is`);
  writeStateFile(path, state);
  const card = new GidsCard(state, (next) => {
    writeStateFile(path, next);
  });
  const admin =
    state.adminTryLimit === null
      ? 'no admin-key limit'
      : `admin key ${state.adminTriesLeft}/${state.adminTryLimit} tries`;
  return {
    card,
    describe: `GIDS card ${state.serial} (${state.algorithm} admin key, ${admin}, PIN ${state.pinTriesLeft}/${state.pinTryLimit} tries)`,
  };
}

/** A PIV serial as GET SERIAL answers it: a whole number that fits in 4 bytes (default 12345678). */
function parsePivSerial(text: string): number {
  const serial = /^\d{1,10}$/.test(text) ? Number(text) : NaN;
  if (!Number.isInteger(serial) || serial > 0xffffffff) {
    throw new UsageError(`--serial for a PIV card is a decimal number up to 4294967295, got "${text}"`);
  }
  return serial;
}

function startPiv(values: Values, path: string): StartedCard {
  const stored = readStateFile(path);
  const state =
    stored === undefined
      ? newPivCardState({
          managementKey: required(values, 'management-key'),
          algorithm: resolveAlgorithm(required(values, 'management-key'), values.algorithm),
          pin: required(values, 'pin'),
          puk: required(values, 'puk'),
          ...(values.serial === undefined ? {} : { serial: parsePivSerial(values.serial) }),
          pinTryLimit: parseTryLimit('--pin-tries', values['pin-tries'], false) ?? undefined,
          pukTryLimit: parseTryLimit('--puk-tries', values['puk-tries'], false) ?? undefined,
        })
      : parsePivCardState(stored);
  if (stored !== undefined) log(`using the existing state file ${path} as it is`);
  writeStateFile(path, state);
  const card = new PivCard(state, (next) => {
    writeStateFile(path, next);
  });
  return {
    card,
    describe: `PIV card ${state.serial} (${state.algorithm} management key, PIN ${state.pinTriesLeft}/${state.pinTryLimit} tries, PUK ${state.pukTriesLeft}/${state.pukTryLimit} tries)`,
  };
}

function run(argv: string[]): number | undefined {
  const { values, positionals } = parseArgs({
    args: argv,
    options: OPTIONS,
    allowPositionals: true,
    strict: true,
  });
  const kind = positionals[0];
  if (values.help || kind === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return EXIT.STOPPED;
  }
  if ((kind !== 'gids' && kind !== 'piv') || positionals.length > 1) {
    throw new UsageError('say which card to run: gids or piv');
  }
  const path = values.state;
  if (!path) throw new UsageError('--state FILE is needed (it is created when missing)');
  const vpcd = values.vpcd === undefined ? VPCD_DEFAULT : parseVpcdAddress(values.vpcd);
  const started = kind === 'gids' ? startGids(values, path) : startPiv(values, path);
  const { card } = started;
  if (values['block-pin']) card.blockPin();
  log(
    `${started.describe}${values['block-pin'] ? ', PIN blocked' : ''}${values.t0 ? ', T=0 answers' : ''}; state in ${path}`,
  );

  const connection = new VpcdCardConnection(values.t0 ? new T0Responses(card) : card, vpcd);
  let warned = false;
  connection.on('connected', () => {
    warned = false;
    log(`inserted into vpcd at ${vpcd.host}:${vpcd.port}`);
  });
  connection.on('powered', () => {
    log('ready: pcscd powered the card');
  });
  connection.on('reinserting', (waitedMs) => {
    log(
      `pcscd did not power the card within ${String(waitedMs / 1000)} s (it may have taken it for the ` +
        'card before it): taking it out and putting it in again',
    );
  });
  connection.on('disconnected', (reason, retryInMs) => {
    if (warned) return;
    warned = true;
    log(
      `vpcd at ${vpcd.host}:${vpcd.port}: ${reason}; is pcscd running with vsmartcard-vpcd? ` +
        `Retrying every ${Math.round(retryInMs / 1000) || 1} s or so`,
    );
  });
  process.on('SIGUSR1', () => {
    card.blockPin();
    log('PIN blocked (SIGUSR1)');
  });
  const stop = (): void => {
    void connection.stop().then(() => {
      log('card removed; stopped');
      process.exit(EXIT.STOPPED);
    });
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  connection.start();
  return undefined;
}

/** Runs the command; returns the exit status, or undefined while the card keeps running. */
export function main(argv: string[]): number | undefined {
  try {
    return run(argv);
  } catch (error) {
    if (error instanceof UsageError || (error instanceof TypeError && 'code' in error)) {
      process.stderr.write(`cardwarden-card: ${error.message}\n\n${USAGE}\n`);
      return EXIT.USAGE;
    }
    if (error instanceof CardStateError) {
      process.stderr.write(`cardwarden-card: ${error.message}\n`);
      return EXIT.STATE;
    }
    throw error;
  }
}
