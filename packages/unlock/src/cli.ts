/**
 * `cardwarden-unlock`: the cardholder's PIN unblock tool.
 *
 *   cardwarden-unlock list [--json]
 *   cardwarden-unlock offline [--reader NAME] [--json]
 *   cardwarden-unlock puk [--reader NAME] [--json]
 */
import { CardRemovedError } from '@cardwarden/protocol';
import { parseArgs } from 'node:util';
import type { CardAccess } from './card-access.js';
import { listCommand } from './commands/list-command.js';
import { offlineCommand } from './commands/offline-command.js';
import { pukCommand } from './commands/puk-command.js';
import { EXIT, type ExitCode } from './exit-codes.js';
import { createLineInput, type LineInput } from './io/line-input.js';
import { createReporter } from './io/reporter.js';
import { PcscCardAccess } from './pcsc/pcsc-card-access.js';
import { UnlockFailure } from './unlock-failure.js';

const USAGE = `Usage:
  cardwarden-unlock list [--json]                    readers and cards, card type, serial, PIN state
  cardwarden-unlock offline [--reader NAME] [--json] unblock a GIDS card with a response from your help desk
  cardwarden-unlock puk [--reader NAME] [--json]     unblock a PIV card's PIN with its PUK

--reader NAME  the reader to use (a part of its name will do); by default the one that holds a card.
--json         for scripts: offline prints {"challenge":"…"}, reads the response, the new PIN and the new PIN
               again from standard input (one line each), and prints {"result":"unblocked"} or
               {"result":"failed","code":"…","message":"…"}. puk reads the PUK, the new PIN and the new PIN again.

Exit status: 0 done; 1 unexpected error; 2 wrong options; 3 no PC/SC, reader or card; 4 wrong response or
PUK; 5 admin key or PUK blocked; 6 card removed or reset, start again; 7 card not supported for this;
8 input refused (format, PIN rules, PINs differ, input ended).`;

/** What the commands need from outside; tests pass software cards and streams. */
export interface CliDependencies {
  openCardAccess(): CardAccess;
  input?: LineInput;
  stdout?: NodeJS.WritableStream;
  stderr?: NodeJS.WritableStream;
}

const defaultDependencies: CliDependencies = { openCardAccess: () => PcscCardAccess.open() };

/** Runs the tool; resolves with the exit status. */
export async function main(
  argv: string[],
  dependencies: CliDependencies = defaultDependencies,
): Promise<ExitCode> {
  const stdout = dependencies.stdout ?? process.stdout;
  const stderr = dependencies.stderr ?? process.stderr;
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        reader: { type: 'string' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    stderr.write(`cardwarden-unlock: ${(error as Error).message}\n\n${USAGE}\n`);
    return EXIT.USAGE;
  }
  const { values, positionals } = parsed;
  const command = positionals[0];
  if (values.help || command === 'help' || command === undefined) {
    (command === undefined && !values.help ? stderr : stdout).write(`${USAGE}\n`);
    return command === undefined && !values.help ? EXIT.USAGE : EXIT.OK;
  }
  if (!['list', 'offline', 'puk'].includes(command) || positionals.length > 1) {
    stderr.write(`cardwarden-unlock: unknown command "${positionals.join(' ')}"\n\n${USAGE}\n`);
    return EXIT.USAGE;
  }

  const reporter = createReporter(Boolean(values.json), stdout, stderr);
  const input = dependencies.input ?? createLineInput(process.stdin, stderr);
  let access: CardAccess | undefined;
  try {
    access = dependencies.openCardAccess();
    const options = values.reader === undefined ? {} : { reader: values.reader };
    if (command === 'list') return await listCommand(access, reporter);
    if (command === 'offline') return await offlineCommand(access, input, reporter, options);
    return await pukCommand(access, input, reporter, options);
  } catch (error) {
    const failure =
      error instanceof UnlockFailure
        ? error
        : error instanceof CardRemovedError
          ? new UnlockFailure(
              'card.removed',
              'the card was removed or reset; insert it and run the command again',
            )
          : new UnlockFailure('card.error', `unexpected error: ${(error as Error).message}`);
    reporter.fail(failure);
    return failure.exitCode;
  } finally {
    input.close();
    await access?.close();
  }
}
