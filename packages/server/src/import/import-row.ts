/**
 * One import line, checked on its own: every field against the same rules as the API's (the contract's
 * schemas), the profile by name, the key by its algorithm's length. A problem names the column and how
 * to fix it, never the key.
 */
import { z } from 'zod';
import { ADMIN_KEY_SPECS, type AdminKeyAlgorithm } from '@cardwarden/protocol/admin-key';
import {
  AdminKeyAlgorithm as AlgorithmSchema,
  CardSerial,
  CardType,
  IMPORT_KEY_COLUMNS,
  IMPORT_REQUIRED_COLUMNS,
  NonBlank,
  Username,
  type ImportLineProblem,
} from '@cardwarden/contract';
import { AppError } from '../errors.js';
import { parseAdminKey } from '../services/admin-key-input.js';
import type { FileRow } from './import-csv.js';
import { problem, rowProblem } from './import-csv.js';
import { resolveDerivedKey } from './import-derived-keys.js';
import { unwrapTransportKey, type TransportKey } from './transport-key.js';

const KNOWN_COLUMNS: readonly string[] = [...IMPORT_REQUIRED_COLUMNS, ...IMPORT_KEY_COLUMNS];
const Email = z.email().max(320);
const DisplayName = NonBlank(200);

/** Column name → index, once the header is known to be right. */
export type ColumnIndex = ReadonlyMap<string, number>;

/** The header's problems (all on line 1), or the index of its columns. */
export function checkHeader(header: readonly string[]): ImportLineProblem[] | ColumnIndex {
  const problems: ImportLineProblem[] = [];
  const index = new Map<string, number>();
  const expected = `the header is ${[...IMPORT_REQUIRED_COLUMNS, 'key'].join(',')} (optional: key_wrapped, master_version)`;
  header.forEach((name, position) => {
    if (!KNOWN_COLUMNS.includes(name)) {
      problems.push(problem(1, name, 'header.unknown_column', `unknown column "${name}"; ${expected}`));
    } else if (index.has(name)) {
      problems.push(problem(1, name, 'header.duplicate_column', `the column "${name}" is there twice`));
    } else {
      index.set(name, position);
    }
  });
  for (const name of IMPORT_REQUIRED_COLUMNS) {
    if (!index.has(name)) {
      problems.push(
        problem(1, name, 'header.missing_column', `the column "${name}" is missing; ${expected}`),
      );
    }
  }
  if (!IMPORT_KEY_COLUMNS.some((name) => index.has(name))) {
    problems.push(
      problem(
        1,
        'key',
        'header.missing_column',
        `no key column: add "key" (hex), or "key_wrapped"; ${expected}`,
      ),
    );
  }
  return problems.length > 0 ? problems : index;
}

export interface ImportProfile {
  readonly id: string;
  readonly name: string;
  /** The profile's master versions (for lines whose key is derived). */
  readonly masterVersions: ReadonlySet<number>;
}

/** A line that passed every check of its own. `key` is the clear key: zero it once sealed. */
export interface ImportRow {
  readonly line: number;
  /** JSON only: the item's index in the array (from 0). */
  readonly item?: number;
  readonly username: string;
  readonly displayName: string;
  readonly email: string;
  readonly serial: string;
  readonly type: CardType;
  readonly profile: ImportProfile;
  readonly algorithm: AdminKeyAlgorithm;
  /** The key in clear for `imported` and `wrapped`; empty for `derived`, whose key the server derives. */
  readonly key: Uint8Array;
  readonly keySource: 'imported' | 'wrapped' | 'derived';
  /** For a derived key: the master version of the line's profile. */
  readonly masterVersion: number | null;
}

export interface RowContext {
  /** Profiles by lower-case name. */
  readonly profiles: ReadonlyMap<string, ImportProfile>;
  readonly transportKey: TransportKey | undefined;
}

function firstIssue(result: { success: boolean; error?: z.ZodError }): string {
  return result.error?.issues[0]?.message ?? 'is not valid';
}

/** Checks one line; problems are pushed to `problems`. */
export function checkRow(
  row: FileRow,
  columns: ColumnIndex,
  context: RowContext,
  problems: ImportLineProblem[],
): ImportRow | undefined {
  const before = problems.length;
  const field = (name: string): string => {
    const position = columns.get(name);
    return position === undefined ? '' : (row.fields[position] ?? '');
  };
  const fail = (column: string, name: string, message: string): void => {
    problems.push(rowProblem(row, column, name, message));
  };

  const username = Username.safeParse(field('username'));
  if (!username.success) fail('username', 'username.invalid', `the username ${firstIssue(username)}`);
  const displayName = DisplayName.safeParse(field('display_name'));
  if (!displayName.success)
    fail('display_name', 'display_name.invalid', 'give the display name (1 to 200 characters)');
  const email = Email.safeParse(field('email'));
  if (!email.success)
    fail('email', 'email.invalid', 'the email address is not valid; write it as name@example.org');
  const serial = CardSerial.safeParse(field('serial'));
  if (!serial.success)
    fail('serial', 'serial.invalid', `the serial ${firstIssue(serial)} (1 to 64 characters)`);
  const type = CardType.safeParse(field('type'));
  if (!type.success)
    fail('type', 'type.invalid', `the card type is one of ${CardType.options.join(', ')} (lower case)`);
  const profile = context.profiles.get(field('profile').toLowerCase());
  if (!profile) {
    fail(
      'profile',
      'profile.unknown',
      field('profile') === ''
        ? 'give the card profile by name'
        : `no card profile is named "${field('profile')}"; create it first (Profiles) or use one of: ${[
            ...context.profiles.values(),
          ]
            .map((known) => known.name)
            .slice(0, 10)
            .join(', ')}`,
    );
  }
  const algorithm = AlgorithmSchema.safeParse(field('algorithm'));
  if (!algorithm.success)
    fail(
      'algorithm',
      'algorithm.invalid',
      `the algorithm is one of ${AlgorithmSchema.options.join(', ')} (lower case)`,
    );
  const key =
    algorithm.data !== undefined ? readKey(field, algorithm.data, profile, context, fail) : undefined;

  if (problems.length > before || !key || algorithm.data === undefined) {
    key?.key.fill(0);
    return undefined;
  }
  return {
    line: row.line,
    ...(row.item === undefined ? {} : { item: row.item }),
    username: username.data ?? '',
    displayName: displayName.data ?? '',
    email: email.data ?? '',
    serial: serial.data ?? '',
    type: type.data ?? 'gids',
    profile: profile ?? { id: '', name: '', masterVersions: new Set<number>() },
    algorithm: algorithm.data,
    key: key.key,
    keySource: key.source,
    masterVersion: key.masterVersion ?? null,
  };
}

/** The clear key of a line from whichever key column is filled; exactly one must be. */
function readKey(
  field: (name: string) => string,
  algorithm: AdminKeyAlgorithm,
  profile: ImportProfile | undefined,
  context: RowContext,
  fail: (column: string, name: string, message: string) => void,
): { key: Uint8Array; source: 'imported' | 'wrapped' | 'derived'; masterVersion?: number } | undefined {
  const filled = IMPORT_KEY_COLUMNS.filter((name) => field(name) !== '');
  if (filled.length !== 1) {
    fail(
      filled[0] ?? 'key',
      filled.length === 0 ? 'key.missing' : 'key.ambiguous',
      filled.length === 0
        ? 'give the admin key: in "key" (hex) or "key_wrapped"'
        : `fill only one of ${filled.join(', ')}: the key comes from one place`,
    );
    return undefined;
  }
  const { label, keyBytes } = ADMIN_KEY_SPECS[algorithm];
  switch (filled[0]) {
    case 'key':
      try {
        return { key: parseAdminKey(algorithm, field('key')), source: 'imported' };
      } catch (error) {
        // parseAdminKey's messages say what is wrong (digits, length) without the key.
        if (!(error instanceof AppError)) throw error;
        fail('key', 'key.invalid', `${error.message}; check the algorithm column too`);
        return undefined;
      }
    case 'key_wrapped': {
      if (!context.transportKey) {
        fail(
          'key_wrapped',
          'key_wrapped.no_transport_key',
          'a wrapped key needs the transport key: send it in the X-Cardwarden-Transport-Key header (npm run import: --transport-key-file FILE)',
        );
        return undefined;
      }
      const unwrapped = unwrapTransportKey(context.transportKey, field('key_wrapped'));
      if (typeof unwrapped === 'string') {
        fail('key_wrapped', 'key_wrapped.invalid', unwrapped);
        return undefined;
      }
      if (unwrapped.length !== keyBytes) {
        unwrapped.fill(0);
        fail(
          'key_wrapped',
          'key_wrapped.invalid',
          `the wrapped key unwraps to ${String(unwrapped.length)} bytes; a ${label} key is ${String(keyBytes)}: check the algorithm column`,
        );
        return undefined;
      }
      return { key: unwrapped, source: 'wrapped' };
    }
    default: {
      const derived = resolveDerivedKey(field('master_version'), profile);
      if ('problem' in derived) {
        fail('master_version', 'master_version.unknown', derived.problem);
        return undefined;
      }
      return { key: new Uint8Array(0), source: 'derived', masterVersion: derived.version };
    }
  }
}
