/**
 * `npm run import -- FILE --server URL [--dry-run] [--transport-key-file KEYFILE]`: sends an import file
 * (CSV, or JSON when FILE ends in .json) to POST /api/v1/imports (docs/import.md), showing the bytes
 * sent, then how far the server is (GET /api/v1/imports/progress), then its answer: the counts, or every
 * bad line. The token comes from CARDWARDEN_TOKEN, or from an interactive sign-in (password not
 * echoed; the session is ended again afterwards). Never prints a key.
 */
import { readFileSync, statSync } from 'node:fs';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { parseArgs } from 'node:util';
import { isTerminal, promptLine, promptMasked, type TerminalInput } from './masked-prompt.js';
import { api, pathTo } from '@cardwarden/contract';

export const EXIT = { OK: 0, REFUSED: 1, USAGE: 2 } as const;

export interface CliIo {
  readonly env: NodeJS.ProcessEnv;
  readonly stdin: TerminalInput;
  readonly stdout: NodeJS.WritableStream;
  /** Progress and prompts go here, so that stdout carries only the report. */
  readonly stderr: NodeJS.WritableStream & { isTTY?: boolean };
}

const USAGE = `usage: npm run import -- FILE --server URL [--dry-run] [--transport-key-file KEYFILE] [--username NAME]

  FILE                    the CSV file, or a JSON file when it ends in .json (docs/import.md)
  --server URL            the Cardwarden server (or CARDWARDEN_SERVER)
  --dry-run               check the file and report; import nothing
  --transport-key-file    a file holding the hex transport key of a key_wrapped column
  --username NAME         the admin to sign in as (asked when CARDWARDEN_TOKEN is not set)
`;

class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT.REFUSED,
  ) {
    super(message);
  }
}

interface Answer {
  readonly status: number;
  readonly body: Record<string, unknown>;
}

/** One request, the body written in chunks so that the bytes sent can be shown. */
function send(
  url: URL,
  method: string,
  headers: Record<string, string>,
  body: Buffer | undefined,
  onProgress?: (sent: number, total: number) => void,
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const request = (url.protocol === 'https:' ? httpsRequest : httpRequest)(
      url,
      // A fresh connection: a kept-alive one may have been closed by the server during a password prompt.
      { method, agent: false, headers: { ...headers, 'content-length': String(body?.length ?? 0) } },
      (response: IncomingMessage) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: unknown;
          try {
            parsed = text ? JSON.parse(text) : {};
          } catch {
            parsed = { error: { code: 'internal.error', message: text.slice(0, 200) } };
          }
          resolve({ status: response.statusCode ?? 0, body: parsed as Record<string, unknown> });
        });
        response.on('error', reject);
      },
    );
    request.on('error', (error) => {
      reject(new CliError(`could not reach ${url.origin}: ${error.message}; check --server`));
    });
    if (!body) {
      request.end();
      return;
    }
    const CHUNK = 1 << 20;
    let offset = 0;
    const writeMore = (): void => {
      while (offset < body.length) {
        const end = Math.min(offset + CHUNK, body.length);
        const more = request.write(body.subarray(offset, end));
        offset = end;
        onProgress?.(offset, body.length);
        if (!more) {
          request.once('drain', writeMore);
          return;
        }
      }
      request.end();
    };
    writeMore();
  });
}

function errorMessage(answer: Answer): string {
  const error = answer.body.error as { code?: string; message?: string } | undefined;
  return `${error?.message ?? `the server answered ${String(answer.status)}`}${error?.code ? ` (${error.code})` : ''}`;
}

function megabytes(bytes: number): string {
  return `${(bytes / 1e6).toFixed(1)} MB`;
}

/** Shows the bytes sent: one updating line on a terminal, every 25 % otherwise. */
function progressPrinter(stderr: CliIo['stderr']): (sent: number, total: number) => void {
  let lastQuarter = -1;
  return (sent, total) => {
    const percent = total === 0 ? 100 : Math.floor((sent / total) * 100);
    const text = `sent ${megabytes(sent)} of ${megabytes(total)} (${String(percent)} %)`;
    if (stderr.isTTY) {
      stderr.write(`\r${text}${sent === total ? '\n' : ''}`);
    } else if (Math.floor(percent / 25) > lastQuarter) {
      lastQuarter = Math.floor(percent / 25);
      stderr.write(`${text}\n`);
    }
  };
}

interface ServerProgress {
  phase: 'checking' | 'writing' | 'indexing' | 'committing';
  done: number;
  total: number;
  elapsedSeconds: number;
}

const PHASES: Record<ServerProgress['phase'], string> = {
  checking: 'checking lines',
  writing: 'writing users and cards',
  indexing: 'building the search indexes',
  committing: 'committing',
};

/** One line of server progress, e.g. "server: writing users and cards 45,000 of 200,000 (22 %), 6 s". */
export function describeProgress(progress: ServerProgress): string {
  const count =
    progress.phase === 'committing' || progress.total === 0
      ? ''
      : ` ${progress.done.toLocaleString('en')} of ${progress.total.toLocaleString('en')} (${String(
          Math.floor((progress.done / progress.total) * 100),
        )} %)`;
  return `server: ${PHASES[progress.phase]}${count}, ${String(Math.round(progress.elapsedSeconds))} s`;
}

/**
 * Asks the server how far the import is, every `intervalMs`, until stopped; shows it (one updating line
 * on a terminal, each new phase otherwise). The server answers from memory, to the token that sent
 * the file.
 */
function watchServer(
  server: URL,
  token: string,
  stderr: CliIo['stderr'],
  intervalMs = 1_000,
): { stop: () => void } {
  let stopped = false;
  let lastPhase = '';
  let shown = false;
  let timer: NodeJS.Timeout | undefined;
  const poll = async (): Promise<void> => {
    const answer = await send(
      new URL(pathTo(api.imports.progress), server),
      'GET',
      { authorization: `Bearer ${token}` },
      undefined,
    ).catch(() => undefined);
    if (stopped) return;
    if (answer?.status === 200) {
      const progress = answer.body as unknown as ServerProgress;
      const text = describeProgress(progress);
      if (stderr.isTTY) {
        stderr.write(`\r${text}\u001b[K`);
        shown = true;
      } else if (progress.phase !== lastPhase) {
        stderr.write(`${text}\n`);
      }
      lastPhase = progress.phase;
    }
    timer = setTimeout(() => void poll(), intervalMs);
  };
  timer = setTimeout(() => void poll(), Math.min(intervalMs, 250));
  return {
    stop: () => {
      stopped = true;
      clearTimeout(timer);
      if (shown) stderr.write('\n');
    },
  };
}

async function signIn(server: URL, io: CliIo, username: string | undefined): Promise<string> {
  if (!isTerminal(io.stdin)) {
    throw new CliError(
      'no token: set CARDWARDEN_TOKEN to an admin token, or run this in a terminal to sign in',
      EXIT.USAGE,
    );
  }
  const name = username ?? (await promptLine(io.stdin, io.stderr, 'Admin username: '));
  const password = await promptMasked(io.stdin, io.stderr, `Password for ${name}: `);
  const answer = await send(
    new URL(pathTo(api.auth.login), server),
    'POST',
    { 'content-type': 'application/json' },
    Buffer.from(JSON.stringify({ username: name, password })),
  );
  if (answer.status !== 200 || typeof answer.body.token !== 'string') {
    throw new CliError(`sign-in failed: ${errorMessage(answer)}`);
  }
  return answer.body.token;
}

function readTransportKey(path: string): string {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch (error) {
    throw new CliError(`cannot read the transport key file ${path}: ${(error as Error).message}`, EXIT.USAGE);
  }
}

interface Report {
  dryRun?: boolean;
  imported?: { users: number; cards: number };
  wouldImport?: { users: number; cards: number };
  warnings?: { line: number; item?: number; column: string; message: string }[];
  lines?: { line: number; item?: number; column: string | null; message: string }[];
}

/** "line 7", or for a JSON file "item 5 (line 31)". */
function where(entry: { line: number; item?: number }): string {
  return entry.item === undefined
    ? `line ${String(entry.line)}`
    : `item ${String(entry.item)} (line ${String(entry.line)})`;
}

function printReport(answer: Answer, io: CliIo): number {
  const report = answer.body as Report;
  const out = (line: string): void => {
    io.stdout.write(`${line}\n`);
  };
  for (const warning of report.warnings ?? [])
    out(`${where(warning)} (${warning.column}): warning: ${warning.message}`);
  if (answer.status === 200 && report.dryRun) {
    const would = report.wouldImport ?? { users: 0, cards: 0 };
    out(
      `Dry run: the file is good. Importing it would create ${String(would.users)} users and ${String(would.cards)} cards; nothing was imported.`,
    );
    return EXIT.OK;
  }
  if (answer.status === 201) {
    const done = report.imported ?? { users: 0, cards: 0 };
    out(`Imported ${String(done.users)} new users and ${String(done.cards)} cards.`);
    return EXIT.OK;
  }
  if (report.lines) {
    for (const entry of report.lines) {
      out(`${where(entry)}${entry.column ? ` (${entry.column})` : ''}: ${entry.message}`);
    }
  }
  out(errorMessage(answer));
  return EXIT.REFUSED;
}

/** Runs the command; resolves to the exit status. */
export async function runImportCli(args: readonly string[], io: CliIo): Promise<number> {
  let signedIn: { server: URL; token: string } | undefined;
  try {
    const { values, positionals } = parseArgs({
      args: [...args],
      allowPositionals: true,
      options: {
        server: { type: 'string' },
        'dry-run': { type: 'boolean', default: false },
        'transport-key-file': { type: 'string' },
        username: { type: 'string' },
        help: { type: 'boolean', default: false },
      },
    });
    if (values.help) {
      io.stdout.write(USAGE);
      return EXIT.OK;
    }
    const [file, ...extra] = positionals;
    const serverText = values.server ?? io.env.CARDWARDEN_SERVER;
    if (!file || extra.length > 0 || !serverText) throw new CliError(USAGE, EXIT.USAGE);
    let server: URL;
    try {
      server = new URL(serverText);
    } catch {
      throw new CliError(
        `--server ${serverText} is not a URL; write it as https://cardwarden.example.org`,
        EXIT.USAGE,
      );
    }
    let body: Buffer;
    try {
      if (!statSync(file).isFile()) throw new Error('not a file');
      body = readFileSync(file);
    } catch (error) {
      throw new CliError(`cannot read ${file}: ${(error as Error).message}`, EXIT.USAGE);
    }
    const transportKey = values['transport-key-file']
      ? readTransportKey(values['transport-key-file'])
      : undefined;
    let token = io.env.CARDWARDEN_TOKEN;
    if (!token) {
      token = await signIn(server, io, values.username);
      signedIn = { server, token };
    }
    const dryRun = values['dry-run'];
    const json = /\.json$/i.test(file);
    io.stderr.write(
      `${dryRun ? 'Checking' : 'Importing'} ${file} (${json ? 'JSON' : 'CSV'}, ${megabytes(body.length)}) on ${server.origin}\n`,
    );
    const printSent = progressPrinter(io.stderr);
    let watcher: { stop: () => void } | undefined;
    const answerPromise = send(
      new URL(`${pathTo(api.imports.run)}${dryRun ? '?dryRun=true' : ''}`, server),
      'POST',
      {
        'content-type': json ? 'application/json' : 'text/csv',
        authorization: `Bearer ${token}`,
        ...(transportKey ? { 'x-cardwarden-transport-key': transportKey } : {}),
      },
      body,
      (sent, total) => {
        printSent(sent, total);
        // Once the file is sent, the server works on it: show how far it is.
        if (sent === total && !watcher) watcher = watchServer(server, token, io.stderr);
      },
    );
    let answer: Answer;
    try {
      answer = await answerPromise;
    } finally {
      watcher?.stop();
    }
    return printReport(answer, io);
  } catch (error) {
    if (error instanceof CliError) {
      io.stderr.write(`${error.message.trimEnd()}\n`);
      return error.exitCode;
    }
    if (error instanceof TypeError && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS')) {
      io.stderr.write(`${error.message}\n${USAGE}`);
      return EXIT.USAGE;
    }
    io.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    return EXIT.REFUSED;
  } finally {
    if (signedIn) {
      // The session was only for this import: end it.
      await send(
        new URL(pathTo(api.auth.logout), signedIn.server),
        'POST',
        {
          authorization: `Bearer ${signedIn.token}`,
        },
        undefined,
      ).catch(() => undefined);
    }
  }
}
