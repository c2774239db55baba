/**
 * Bulk import of users and cards with their admin keys, from a CSV or JSON file (docs/import.md).
 *
 * All or nothing: every line is checked first (each line on its own, then across the file, then against
 * the database with one query per kind), and a file with any problem is refused whole with every bad
 * line named. A good file is imported in one transaction. Keys are sealed exactly as card registration
 * seals them (KeyCustody.sealAdminKey, card id bound), held in clear only in memory until then, and never
 * echoed or logged. The audit trail gets one `import.completed` event with the counts (not one event per
 * card: a 100,000-card import would otherwise write 100,000 chained events).
 */
import { isEmbedded } from '../db/database.js';
import { randomUUID, timingSafeEqual } from 'node:crypto';
import { toHex } from '@cardwarden/protocol/hex';
import { keyCheckValue } from '@cardwarden/protocol/crypto';
import type { ImportLineProblem, ImportProgress, ImportReport, ImportResult } from '@cardwarden/contract';
import { AppError, isUniqueViolation } from '../errors.js';
import { derivedAdminKeyValuesWith } from '../keys/card-admin-key.js';
import { appendAuditEvent } from '../repositories/audit.repository.js';
import type { MasterRow } from '../repositories/master.repository.js';
import {
  allowLongStatements,
  finishBulkWrite,
  findRegisteredSerials,
  findUsersByUsernames,
  hasAtMostRows,
  insertCardsInBulk,
  insertUsersInBulk,
  listAllMasters,
  listProfileNames,
  NO_BULK_PLAN,
  prepareBulkWrite,
  type NewImportCard,
  type NewImportUser,
} from '../repositories/import.repository.js';
import { parseImportCsv, problem, rowName, rowProblem } from '../import/import-csv.js';
import { parseImportJson } from '../import/import-json.js';
import { checkHeader, checkRow, type ImportProfile, type ImportRow } from '../import/import-row.js';
import { parseTransportKey, type TransportKey } from '../import/transport-key.js';
import { weakKeyWarning } from './admin-key-input.js';
import { auditActor, type OperatorActor, type ServiceContext } from './context.js';
import type { UnitOfWork } from '../db/unit-of-work.js';

export interface ImportOptions {
  readonly dryRun: boolean;
  /** How the body is written: CSV (text/csv) or a JSON array of objects (application/json). */
  readonly format: 'csv' | 'json';
  /**
   * A digest of the bearer token that sent the file: the progress of this import is shown to the same
   * token only (see importProgress), without a database lookup.
   */
  readonly tokenDigest: string;
  /** The X-Cardwarden-Transport-Key header, for `key_wrapped` columns. */
  readonly transportKey: string | undefined;
  /** The statement budget of the import transaction. */
  readonly timeoutSeconds: number;
}

export type ImportOutcome =
  | { readonly ok: true; readonly result: ImportResult }
  | { readonly ok: false; readonly report: ImportReport };

/**
 * From this many cards on, the search indexes are filled in bulk at the end (see deferSearchIndexing):
 * much faster, but searches wait for the import's commit, which a small import need not impose.
 */
const BULK_INDEXING_FROM = 1_000;

/** The phases of an import, in order, as the progress shows them. */
export type ImportPhase = 'checking' | 'writing' | 'indexing' | 'committing';

interface ProgressState {
  readonly dryRun: boolean;
  readonly tokenDigest: string;
  readonly startedAt: number;
  phase: ImportPhase;
  /** checking: lines checked of the file's; writing: rows (users and cards) written; indexing: steps. */
  done: number;
  total: number;
}

/** The import running on this server (one at a time), by context. */
const running = new WeakMap<ServiceContext, ProgressState>();

/** Lines checked between two yields to the event loop (so that progress requests are answered). */
const CHECK_SLICE = 5_000;

/**
 * The progress of the import running on this server, when the token with digest `tokenDigest` started
 * it; undefined otherwise. Answered from memory: on the embedded database the import holds the
 * database, and a progress request must not wait for it.
 */
export function importProgress(ctx: ServiceContext, tokenDigest: string): ImportProgress | undefined {
  const state = running.get(ctx);
  if (!state || !constantTimeEqual(state.tokenDigest, tokenDigest)) return undefined;
  return {
    dryRun: state.dryRun,
    phase: state.phase,
    done: state.done,
    total: state.total,
    startedAt: new Date(state.startedAt).toISOString(),
    elapsedSeconds: Math.round((Date.now() - state.startedAt) / 100) / 10,
  };
}

function constantTimeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/**
 * Checks `body` and, unless a dry run, imports it.
 * @throws AppError `import.busy` while another import runs on this server, `import.bad_transport_key`,
 *   `import.conflict` when another request registered a serial or username of the file meanwhile.
 */
export async function importCards(
  ctx: ServiceContext,
  uow: UnitOfWork,
  actor: OperatorActor,
  body: Uint8Array,
  options: ImportOptions,
): Promise<ImportOutcome> {
  // One at a time: an import holds a whole file and its keys in memory, and a long transaction.
  if (running.has(ctx)) {
    throw new AppError('import.busy', 'another import is running on this server; try again when it is done');
  }
  const progress: ProgressState = {
    dryRun: options.dryRun,
    tokenDigest: options.tokenDigest,
    startedAt: Date.now(),
    phase: 'checking',
    done: 0,
    total: 0,
  };
  running.set(ctx, progress);
  let rows: ImportRow[] = [];
  try {
    const transportKey = readTransportKey(options.transportKey);
    const checked = await checkFile(ctx, body, options.format, transportKey, progress);
    rows = checked.rows;
    if (checked.problems.length > 0) return { ok: false, report: reportOf(checked.problems, options.format) };
    const counts = { users: checked.newUsers.length, cards: rows.length };
    const warnings = rows.flatMap((row) => {
      // A derived key is the server's own: nothing to warn about.
      const warning = row.masterVersion === null ? weakKeyWarning(row.algorithm, row.key) : null;
      if (!warning) return [];
      return [
        {
          line: row.line,
          ...(row.item === undefined ? {} : { item: row.item }),
          column: 'key',
          message: warning,
        },
      ];
    });
    if (options.dryRun) {
      return {
        ok: true,
        result: { dryRun: true, imported: { users: 0, cards: 0 }, wouldImport: counts, warnings },
      };
    }
    progress.phase = 'writing';
    progress.done = 0;
    progress.total = checked.newUsers.length + rows.length;
    await write(ctx, uow, actor, checked, options.timeoutSeconds, progress);
    return { ok: true, result: { dryRun: false, imported: counts, wouldImport: counts, warnings } };
  } finally {
    for (const row of rows) row.key.fill(0);
    if (running.get(ctx) === progress) running.delete(ctx);
  }
}

const masterKey = (profileId: string, version: number): string => `${profileId}/${String(version)}`;

function readTransportKey(header: string | undefined): TransportKey | undefined {
  if (header === undefined || header.trim() === '') return undefined;
  const parsed = parseTransportKey(header);
  if (typeof parsed === 'string') {
    throw new AppError('import.bad_transport_key', `${parsed} (X-Cardwarden-Transport-Key header)`);
  }
  return parsed;
}

interface CheckedFile {
  readonly rows: ImportRow[];
  readonly problems: ImportLineProblem[];
  /** Users the file creates (the first line of each names them). */
  readonly newUsers: NewImportUser[];
  /** Lower-case username → user id, for existing and new users. */
  readonly userIds: Map<string, string>;
  /** Masters by "profile id/version", for lines whose key is derived. */
  readonly masters: ReadonlyMap<string, MasterRow>;
}

async function checkFile(
  ctx: ServiceContext,
  body: Uint8Array,
  format: 'csv' | 'json',
  transportKey: TransportKey | undefined,
  progress: ProgressState,
): Promise<CheckedFile> {
  const parsed = format === 'json' ? parseImportJson(body) : parseImportCsv(body);
  const problems = [...parsed.problems];
  const empty = {
    rows: [],
    problems,
    newUsers: [],
    userIds: new Map<string, string>(),
    masters: new Map<string, MasterRow>(),
  };
  if (parsed.header.length === 0) {
    if (problems.length === 0) problems.push(problem(1, null, 'format.empty', 'the file is empty'));
    return empty;
  }
  const columns = checkHeader(parsed.header);
  if (Array.isArray(columns)) {
    // The lines cannot be read without a right header: report the header only (field counts would
    // follow from it).
    return { ...empty, problems: [...problems.filter((entry) => entry.line === 1), ...columns] };
  }
  const masterRows = await listAllMasters(ctx.db);
  const profiles = new Map<string, ImportProfile>(
    (await listProfileNames(ctx.db)).map((profile) => [
      profile.name.toLowerCase(),
      {
        ...profile,
        masterVersions: new Set(masterRows.filter((m) => m.profileId === profile.id).map((m) => m.version)),
      },
    ]),
  );
  const rows: ImportRow[] = [];
  progress.total = parsed.rows.length;
  for (const [index, row] of parsed.rows.entries()) {
    if (index > 0 && index % CHECK_SLICE === 0) {
      progress.done = index;
      await new Promise((resolve) => setImmediate(resolve));
    }
    const checked = checkRow(row, columns, { profiles, transportKey }, problems);
    if (checked) rows.push(checked);
  }
  progress.done = parsed.rows.length;
  if (parsed.rows.length === 0 && problems.length === 0) {
    problems.push(
      problem(1, null, 'format.no_cards', 'the file has a header and no cards: add one line per card'),
    );
  }
  checkAcrossFile(rows, problems);

  const serials = [...new Set(rows.map((row) => row.serial.toLowerCase()))];
  const registered = await findRegisteredSerials(ctx.db, serials);
  for (const row of rows) {
    if (registered.has(row.serial.toLowerCase())) {
      problems.push(
        rowProblem(
          row,
          'serial',
          'serial.registered',
          `a card with serial "${row.serial}" is registered already; remove this line (to give it a new key, use Replace admin key on the card)`,
        ),
      );
    }
  }
  const usernames = [...new Set(rows.map((row) => row.username.toLowerCase()))];
  const userIds = await findUsersByUsernames(ctx.db, usernames);
  const newUsers: NewImportUser[] = [];
  for (const row of rows) {
    const lower = row.username.toLowerCase();
    if (userIds.has(lower)) continue;
    const id = randomUUID();
    userIds.set(lower, id);
    newUsers.push({ id, username: row.username, display_name: row.displayName, email: row.email });
  }
  problems.sort((a, b) => a.line - b.line || (a.item ?? 0) - (b.item ?? 0));
  const masters = new Map(masterRows.map((m) => [masterKey(m.profileId, m.version), m]));
  return { rows, problems, newUsers, userIds, masters };
}

/** Problems between lines: a serial twice, a user described two ways. */
function checkAcrossFile(rows: readonly ImportRow[], problems: ImportLineProblem[]): void {
  const serialRows = new Map<string, ImportRow>();
  const users = new Map<string, ImportRow>();
  for (const row of rows) {
    const serial = row.serial.toLowerCase();
    const first = serialRows.get(serial);
    if (first === undefined) serialRows.set(serial, row);
    else
      problems.push(
        rowProblem(
          row,
          'serial',
          'serial.duplicate',
          `the serial "${row.serial}" is on ${rowName(first)} too (serials are unique, any case); keep one of them`,
        ),
      );
    const username = row.username.toLowerCase();
    const described = users.get(username);
    if (!described) users.set(username, row);
    else if (
      described.displayName !== row.displayName ||
      described.email.toLowerCase() !== row.email.toLowerCase()
    )
      problems.push(
        rowProblem(
          row,
          described.displayName !== row.displayName ? 'display_name' : 'email',
          'user.inconsistent',
          `the user "${row.username}" is on ${rowName(described)} with another display name or email; give the same on every line of a user`,
        ),
      );
  }
}

function reportOf(problems: ImportLineProblem[], format: 'csv' | 'json'): ImportReport {
  // JSON: items (two items may share a line); CSV: lines.
  const badLines = new Set(problems.map((entry) => entry.item ?? `line ${String(entry.line)}`)).size;
  const what = format === 'json' ? 'item' : 'line';
  return {
    error: {
      code: 'import.invalid',
      message: `${String(badLines)} ${what}${badLines === 1 ? ' has' : 's have'} problems; nothing was imported. Fix them and send the whole file again (a dry run checks without importing).`,
    },
    lines: problems,
    badLines,
  };
}

async function write(
  ctx: ServiceContext,
  uow: UnitOfWork,
  actor: OperatorActor,
  checked: CheckedFile,
  timeoutSeconds: number,
  progress: ProgressState,
): Promise<void> {
  // Audit details are flat values: counts by kind as "name=count, …".
  const tally = (pick: (row: ImportRow) => string): string => {
    const out = new Map<string, number>();
    for (const row of checked.rows) out.set(pick(row), (out.get(pick(row)) ?? 0) + 1);
    return [...out].map(([name, n]) => `${name}=${String(n)}`).join(', ');
  };
  const { rows, newUsers } = checked;
  // The cards of rows start..end, their keys sealed (or derived) just before their batch is written.
  const cardsOf = (start: number, end: number): NewImportCard[] =>
    rows.slice(start, end).map((row) => {
      const id = randomUUID();
      const card = {
        id,
        serial: row.serial,
        type: row.type,
        user_id: checked.userIds.get(row.username.toLowerCase()) ?? '',
        profile_id: row.profile.id,
        algorithm: row.algorithm,
      };
      if (row.masterVersion === null) {
        const sealed = ctx.keys.sealAdminKey(id, row.key);
        const kcv = toHex(keyCheckValue(row.algorithm, row.key));
        row.key.fill(0);
        return { ...card, sealed, kcv, master_id: null, derivation: null };
      }
      const master = checked.masters.get(masterKey(row.profile.id, row.masterVersion));
      if (!master) throw new Error(`master ${String(row.masterVersion)} vanished during the import`);
      const derived = derivedAdminKeyValuesWith(ctx, master, row.serial, row.algorithm);
      return {
        ...card,
        sealed: derived.sealed,
        kcv: derived.kcv,
        master_id: derived.masterId ?? null,
        derivation: derived.derivation ?? null,
      };
    });
  const embedded = isEmbedded(ctx.db);
  try {
    await uow(async (tx) => {
      await allowLongStatements(tx, timeoutSeconds);
      await ctx.keys.ensureCurrent(tx);
      const plan =
        rows.length >= BULK_INDEXING_FROM
          ? await prepareBulkWrite(tx, {
              users: embedded && (await hasAtMostRows(tx, 'users', newUsers.length)),
              cards: embedded && (await hasAtMostRows(tx, 'cards', rows.length)),
            })
          : NO_BULK_PLAN;
      await insertUsersInBulk(tx, newUsers, (n) => {
        progress.done = n;
      });
      await insertCardsInBulk(tx, rows.length, cardsOf, (n) => {
        progress.done = newUsers.length + n;
      });
      progress.phase = 'indexing';
      progress.done = 0;
      progress.total = 1;
      await finishBulkWrite(tx, plan, (step, steps) => {
        progress.done = step;
        progress.total = steps;
      });
      await appendAuditEvent(tx, {
        ...auditActor(actor),
        action: 'import.completed',
        details: {
          cards: rows.length,
          usersCreated: newUsers.length,
          usersExisting: checked.userIds.size - newUsers.length,
          profiles: tally((row) => row.profile.name),
          algorithms: tally((row) => row.algorithm),
          keySources: tally((row) => row.keySource),
          firstSerial: rows[0]?.serial ?? null,
          lastSerial: rows.at(-1)?.serial ?? null,
        },
      });
      progress.phase = 'committing';
    });
  } catch (error) {
    if (isUniqueViolation(error)) {
      throw new AppError(
        'import.conflict',
        'while importing, someone else registered a serial or username of this file; nothing was imported. Run the dry run again to see which lines, then import.',
      );
    }
    throw error;
  }
}
