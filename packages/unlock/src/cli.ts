/**
 * `cardwarden-unlock`: the cardholder's PIN unblock tool.
 *
 *   cardwarden-unlock list [--json]
 *   cardwarden-unlock offline [--server URL [--ca-file PEM] [--insecure-http]] [--reader NAME] [--json]
 *   cardwarden-unlock puk [--server URL …] [--reader NAME] [--json]
 *   cardwarden-unlock online --server URL [--reader NAME] [--ca-file PEM] [--insecure-http] [--json]
 *   cardwarden-unlock issue --server URL [--user NAME] [--profile NAME] [--pin] [--current-pin] [--transport-key HEX] …
 */
import { isAdminKeyAlgorithm } from '@cardwarden/protocol/admin-key';
import { CardRemovedError } from '@cardwarden/protocol/apdu';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { CardAccess } from './card-access.js';
import { issueCommand } from './commands/issue-command.js';
import { listCommand } from './commands/list-command.js';
import { offlineCommand } from './commands/offline-command.js';
import { onlineCommand } from './commands/online-command.js';
import type { StepUpOptions } from './online/sso-step-up.js';
import { pukCommand } from './commands/puk-command.js';
import { EXIT, type ExitCode } from './exit-codes.js';
import { createLineInput, type LineInput } from './io/line-input.js';
import { createReporter } from './io/reporter.js';
import { IssuanceClient } from './online/issuance-client.js';
import { OnlineUnlockClient } from './online/online-unlock-client.js';
import { parseServerAddress } from './online/server-address.js';
import type { ServerConnection } from './online/server-connection.js';
import { PcscCardAccess } from './pcsc/pcsc-card-access.js';
import { UnlockFailure } from './unlock-failure.js';

const USAGE = `Usage:
  cardwarden-unlock list [--json]                    readers and cards, card type, serial, PIN state
  cardwarden-unlock offline [--server URL] [--reader NAME] [--json]
                                                     unblock a GIDS card with a response from your help desk
  cardwarden-unlock online --server URL [--reader NAME] [--ca-file PEM] [--insecure-http] [--sso] [--json]
                                                     unblock a GIDS card yourself: answer your security
                                                     questions, and the server gives the response
  cardwarden-unlock puk [--server URL] [--reader NAME] [--json]
                                                     unblock a PIV card's PIN with its PUK
  cardwarden-unlock issue --server URL [--user NAME] [--profile NAME] [--pin] [--current-pin]
                          [--transport-key HEX [--transport-algorithm ALG]] [--reader NAME] [--ca-file PEM]
                          [--insecure-http] [--json]
                                                     issuers: put a GIDS or PIV card under management: a new
                                                     admin (management) key only the server holds, the
                                                     profile's PIN policy (PIV: and the PUK), an initial PIN
                                                     with --pin (docs/issuance.md)

--reader NAME     the reader to use (a part of its name will do); by default the one that holds a card.
--server URL      the Cardwarden server, https://… (http:// only to this computer). online: needed. offline,
                  puk: optional; the tool asks it for the PIN rules of the card's profile (otherwise it
                  checks only the card's own limits).
--ca-file PEM     with --server: also trust this CA certificate (PEM) for the server's TLS certificate.
--insecure-http   with --server: allow plain http:// to another computer (answers then cross in clear).
--user, --profile issue: the cardholder and card profile of a card the server does not know yet (asked
                  when missing); --pin asks for an initial PIN (never on the command line);
                  --transport-key the new card's factory admin key (48 hex digits; default 0102…08), or
                  CARDWARDEN_TRANSPORT_KEY, with --transport-algorithm 3des|aes128|aes192|aes256 (default
                  3des); --current-pin (PIV) asks for the card's current PIN, which the PIN policy needs
                  verified (otherwise the factory PIN 123456 is used). Sign-in: CARDWARDEN_TOKEN, else
                  username and password are asked.
--sso             online: sign in with single sign-on in the browser first (the tool opens it, or prints the
                  address), when the card's profile requires an SSO step-up.
--json            for scripts: offline prints {"challenge":"…","pinRules":{…}}, reads the response, the new PIN
                  and the new PIN again from standard input (one line each), and prints {"result":"unblocked"} or
                  {"result":"failed","code":"…","message":"…"}. puk reads the PUK, the new PIN and the new PIN
                  again. online prints {"questions":[{"id","text"}],"pinRules":{…},"answerAttemptsRemaining":n,
                  "challenge":"…"}, reads one answer per question, the new PIN and the new PIN again, and prints
                  the same result line.

On a terminal nothing you type is shown (a * per character); Ctrl-C stops without changing the PIN.

Exit status: 0 done; 1 unexpected error; 2 wrong options; 3 no PC/SC, reader or card; 4 wrong response, PUK or
answers; 5 admin key or PUK blocked, or locked out after wrong answers; 6 card removed or reset, or session
expired: start again; 7 card not supported for this; 8 input refused (format, PIN rules, PINs differ, input
ended); 9 server unreachable, TLS failure, server busy or unexpected answer; 10 the server refuses an online
unlock for this card: use offline unblock with the help desk; 130 interrupted with Ctrl-C.`;

/** What the commands need from outside; tests pass software cards and streams. */
export interface CliDependencies {
  openCardAccess(): CardAccess;
  input?: LineInput;
  stdout?: NodeJS.WritableStream;
  stderr?: NodeJS.WritableStream;
  /** How `--sso` opens the browser and waits (tests sign in with a headless browser instead). */
  sso?: StepUpOptions;
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
        server: { type: 'string' },
        'ca-file': { type: 'string' },
        'insecure-http': { type: 'boolean' },
        sso: { type: 'boolean' },
        json: { type: 'boolean' },
        user: { type: 'string' },
        profile: { type: 'string' },
        pin: { type: 'boolean' },
        'transport-key': { type: 'string' },
        'transport-algorithm': { type: 'string' },
        'current-pin': { type: 'boolean' },
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
  if (!['list', 'offline', 'online', 'puk', 'issue'].includes(command) || positionals.length > 1) {
    stderr.write(`cardwarden-unlock: unknown command "${positionals.join(' ')}"\n\n${USAGE}\n`);
    return EXIT.USAGE;
  }
  const issueOnly = (
    ['user', 'profile', 'pin', 'transport-key', 'transport-algorithm', 'current-pin'] as const
  ).find((name) => values[name] !== undefined);
  if (command !== 'issue' && issueOnly !== undefined) {
    stderr.write(`cardwarden-unlock: --${issueOnly} is for the issue command only\n`);
    return EXIT.USAGE;
  }
  const transportAlgorithm = values['transport-algorithm'];
  if (transportAlgorithm !== undefined && !isAdminKeyAlgorithm(transportAlgorithm)) {
    stderr.write(
      `cardwarden-unlock: --transport-algorithm is 3des, aes128, aes192 or aes256, not "${transportAlgorithm}"\n`,
    );
    return EXIT.USAGE;
  }
  if (values.sso && command !== 'online') {
    stderr.write('cardwarden-unlock: --sso is for the online command only\n');
    return EXIT.USAGE;
  }
  const server = serverConnection(command, values);
  if (typeof server === 'string') {
    stderr.write(`cardwarden-unlock: ${server}\n`);
    return EXIT.USAGE;
  }

  const reporter = createReporter(Boolean(values.json), stdout, stderr);
  const input = dependencies.input ?? createLineInput(process.stdin, stderr);
  let access: CardAccess | undefined;
  try {
    access = dependencies.openCardAccess();
    const options = values.reader === undefined ? {} : { reader: values.reader };
    if (command === 'list') return await listCommand(access, reporter);
    if (command === 'offline')
      return await offlineCommand(access, input, reporter, { ...options, ...(server ? { server } : {}) });
    if (command === 'issue' && server) {
      const transportKey = values['transport-key'] ?? process.env.CARDWARDEN_TRANSPORT_KEY;
      return await issueCommand(access, input, reporter, {
        ...options,
        client: new IssuanceClient(server.base, server.options),
        pin: Boolean(values.pin),
        currentPin: Boolean(values['current-pin']),
        ...(transportAlgorithm === undefined ? {} : { transportAlgorithm }),
        ...(values.user === undefined ? {} : { user: values.user }),
        ...(values.profile === undefined ? {} : { profile: values.profile }),
        ...(transportKey ? { transportKey } : {}),
        ...(process.env.CARDWARDEN_TOKEN ? { token: process.env.CARDWARDEN_TOKEN } : {}),
        ...(process.env.CARDWARDEN_TEST_STOP_AFTER
          ? { testStopAfter: process.env.CARDWARDEN_TEST_STOP_AFTER }
          : {}),
      });
    }
    if (command === 'online' && server) {
      const client = new OnlineUnlockClient(server.base, server.options);
      return await onlineCommand(access, input, reporter, {
        ...options,
        client,
        sso: values.sso ? (dependencies.sso ?? {}) : undefined,
      });
    }
    return await pukCommand(access, input, reporter, { ...options, ...(server ? { server } : {}) });
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

/** The commands that talk to a server: `online` needs one, `offline` and `puk` may ask one for the PIN rules. */
const SERVER_COMMANDS: Readonly<Record<string, 'required' | 'optional'>> = {
  online: 'required',
  issue: 'required',
  offline: 'optional',
  puk: 'optional',
};

/**
 * The server connection for the command, undefined when it uses none, or a message saying which option is
 * wrong. The other commands talk to no server and refuse the server options.
 */
function serverConnection(
  command: string,
  values: {
    server?: string | undefined;
    'ca-file'?: string | undefined;
    'insecure-http'?: boolean | undefined;
  },
): ServerConnection | string | undefined {
  const use = SERVER_COMMANDS[command];
  const given = (['server', 'ca-file', 'insecure-http'] as const).find((name) => values[name] !== undefined);
  if (use === undefined)
    return given === undefined
      ? undefined
      : `--${given} is for the online, offline, puk and issue commands only`;
  if (values.server === undefined) {
    if (use === 'required')
      return `${command} needs the server’s address: --server https://your-cardwarden-server`;
    return given === undefined ? undefined : `--${given} goes with --server`;
  }
  const address = parseServerAddress(values.server, Boolean(values['insecure-http']));
  if (!address.ok) return address.problem;
  const caFile = values['ca-file'];
  if (caFile === undefined) return { base: address.base, options: {} };
  if (address.base.protocol !== 'https:') return '--ca-file is for https:// servers only';
  let ca: string;
  try {
    ca = readFileSync(caFile, 'utf8');
  } catch (error) {
    return `cannot read --ca-file ${caFile}: ${(error as Error).message}`;
  }
  if (!ca.includes('-----BEGIN CERTIFICATE-----'))
    return `--ca-file ${caFile} holds no PEM certificate (-----BEGIN CERTIFICATE-----)`;
  return { base: address.base, options: { ca } };
}
