import { z } from 'zod';
import { ERROR_CODES, type ErrorCode } from '../error-codes.js';

/** The columns every import file has, in this order in the examples (any order is accepted). */
export const IMPORT_REQUIRED_COLUMNS = [
  'username',
  'display_name',
  'email',
  'serial',
  'type',
  'profile',
  'algorithm',
] as const;

/**
 * Where each card's admin key comes from: exactly one of these columns is filled on every line.
 * `key`: the key in hex. `key_wrapped`: the key wrapped under a transport key (AES key wrap, RFC 3394),
 * hex. `master_version`: a key derived from the profile's master key of that version.
 */
export const IMPORT_KEY_COLUMNS = ['key', 'key_wrapped', 'master_version'] as const;

/** The transport key of `key_wrapped` columns travels in this header (hex AES-128/192/256 key), never in the file. */
export const TRANSPORT_KEY_HEADER = 'x-cardwarden-transport-key';

export const ImportQuery = z.object({
  dryRun: z
    .enum(['true', 'false'])
    .default('false')
    .transform((value) => value === 'true')
    .describe('true: check the file and report, import nothing'),
});

export const ImportCounts = z.object({ users: z.number().int(), cards: z.number().int() });

export const ImportResult = z.object({
  dryRun: z.boolean(),
  imported: ImportCounts.describe('what was imported (all zero on a dry run)'),
  wouldImport: ImportCounts.describe('what the file imports: on a dry run, what an import would create'),
  warnings: z
    .array(
      z.object({
        line: z.number().int(),
        item: z.number().int().optional().describe('JSON files: the index of the item in the array, from 0'),
        column: z.string(),
        message: z.string(),
      }),
    )
    .describe('lines imported with a caution (a weak 3DES key); never the key'),
});
export type ImportResult = z.infer<typeof ImportResult>;

export const ImportLineProblem = z.object({
  line: z
    .number()
    .int()
    .describe('the line of the file (the header is line 1); JSON files: the line where the item starts'),
  item: z
    .number()
    .int()
    .optional()
    .describe(
      'JSON files: the index of the item at fault in the array, from 0 (absent for the file as a whole)',
    ),
  column: z.string().nullable().describe('the column (JSON: the field) at fault, when one is'),
  problem: z.string().describe('a stable name of the problem, e.g. profile.unknown'),
  message: z.string().describe('what is wrong and how to fix it; never the key'),
});
export type ImportLineProblem = z.infer<typeof ImportLineProblem>;

/** A refused import: nothing was imported; every bad line is named. */
export const ImportReport = z.object({
  error: z.object({
    code: z.enum(Object.keys(ERROR_CODES) as [ErrorCode, ...ErrorCode[]]),
    message: z.string(),
  }),
  lines: z.array(ImportLineProblem),
  badLines: z.number().int().describe('how many lines (JSON files: items) have problems'),
});
export type ImportReport = z.infer<typeof ImportReport>;

/** What a 422 of the import route holds: the line report, or a plain error (a bad transport key). */
export const ImportRefusal = ImportReport.partial({ lines: true, badLines: true });

/** How far the import running on this server is (GET /api/v1/imports/progress). */
export const ImportProgress = z.object({
  dryRun: z.boolean(),
  phase: z
    .enum(['checking', 'writing', 'indexing', 'committing'])
    .describe(
      'checking: the lines (done of total); writing: users and cards written (done of total); indexing: the search and lookup indexes (steps done of total); committing: the last step',
    ),
  done: z.number().int(),
  total: z.number().int(),
  startedAt: z.string().describe('when the server received the whole file'),
  elapsedSeconds: z.number(),
});
export type ImportProgress = z.infer<typeof ImportProgress>;

/** The columns of the card inventory export (never a key). */
export const CARD_EXPORT_COLUMNS = [
  'serial',
  'type',
  'state',
  'username',
  'display_name',
  'email',
  'profile',
  'algorithm',
  'kcv',
  'attempts_used',
  'key_blocked',
  'registered_at',
] as const;
