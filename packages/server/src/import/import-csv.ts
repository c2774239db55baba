/**
 * The import file's CSV dialect, kept strict so that a file means one thing only: UTF-8 without a
 * byte-order mark, LF line endings, a header line, fields separated by commas, no quoting (so no comma or
 * quote inside a field). Anything else is reported with its line number and how to fix it, and the
 * parser carries on, so that one pass reports every bad line.
 */
import type { ImportLineProblem } from '@cardwarden/contract';

/** One card of the file: a CSV line, or an item of a JSON array (import-json.ts). */
export interface FileRow {
  /** Line number in the file (the header is line 1); for JSON, the line where the item starts. */
  readonly line: number;
  /** JSON only: the item's index in the array (from 0). */
  readonly item?: number;
  /** The values in the order of the header's columns. */
  readonly fields: readonly string[];
}
export type CsvRow = FileRow;

/** A file read into its header (column names, lower case) and rows, with the problems found so far. */
export interface ParsedFile {
  readonly header: readonly string[];
  readonly rows: readonly FileRow[];
  readonly problems: ImportLineProblem[];
}
export type ParsedCsv = ParsedFile;

const BOM = '\uFEFF';

export function problem(
  line: number,
  column: string | null,
  name: string,
  message: string,
): ImportLineProblem {
  return { line, column, problem: name, message };
}

/** A problem of one row: its line, and for JSON its item. */
export function rowProblem(
  row: Pick<FileRow, 'line' | 'item'>,
  column: string | null,
  name: string,
  message: string,
): ImportLineProblem {
  const found = problem(row.line, column, name, message);
  return row.item === undefined ? found : { ...found, item: row.item };
}

/** How a message names a row: "line 7", or for JSON "item 5 (line 31)". */
export function rowName(row: Pick<FileRow, 'line' | 'item'>): string {
  return row.item === undefined
    ? `line ${String(row.line)}`
    : `item ${String(row.item)} (line ${String(row.line)})`;
}

/** Decodes the file; lines with bytes that are not UTF-8 are reported and left out. */
export function decode(body: Uint8Array): { text: string; badUtf8: boolean } {
  try {
    return { text: new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(body), badUtf8: false };
  } catch {
    return { text: new TextDecoder('utf-8', { ignoreBOM: true }).decode(body), badUtf8: true };
  }
}

export function parseImportCsv(body: Uint8Array): ParsedCsv {
  const problems: ImportLineProblem[] = [];
  const decoded = decode(body);
  const badUtf8 = decoded.badUtf8;
  let text = decoded.text;
  if (text.startsWith(BOM)) {
    problems.push(
      problem(
        1,
        null,
        'format.bom',
        'the file starts with a byte-order mark (BOM); save it as "UTF-8" without BOM (in Excel: "CSV UTF-8" adds one, so re-save it with a text editor, or run `sed -i "1s/^\\xEF\\xBB\\xBF//" FILE`)',
      ),
    );
    text = text.slice(BOM.length);
  }
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  let crlfReported = false;
  const header: string[] = [];
  const rows: CsvRow[] = [];
  lines.forEach((raw, index) => {
    const line = index + 1;
    let content = raw;
    if (content.endsWith('\r')) {
      content = content.slice(0, -1);
      // Said once: a Windows file has it on every line, and one fix (dos2unix) mends them all.
      if (!crlfReported) {
        crlfReported = true;
        problems.push(
          problem(
            line,
            null,
            'format.crlf',
            'the file has Windows line endings (CR LF); save it with LF line endings (for example `dos2unix FILE`, or "Unix (LF)" in your editor)',
          ),
        );
      }
    }
    if (badUtf8 && content.includes('\uFFFD')) {
      problems.push(
        problem(
          line,
          null,
          'format.encoding',
          'this line is not valid UTF-8; save the file as UTF-8 (it may be Latin-1 or UTF-16)',
        ),
      );
      return;
    }
    if (content.trim() === '') {
      problems.push(
        problem(
          line,
          null,
          'format.empty_line',
          line === 1
            ? 'the header line is empty; the first line names the columns'
            : 'remove this empty line',
        ),
      );
      return;
    }
    const fields = content.split(',').map((field) => field.trim());
    if (line === 1) {
      header.push(...fields.map((field) => field.toLowerCase()));
      return;
    }
    const quoted = fields.findIndex((field) => field.includes('"'));
    if (quoted >= 0) {
      problems.push(
        problem(
          line,
          header[quoted] ?? null,
          'format.quoted',
          'a field has quotes; the import takes plain fields: remove the quotes, and any comma inside a field (a display name such as "Smith, Ann" becomes Ann Smith)',
        ),
      );
      return;
    }
    if (header.length > 0 && fields.length !== header.length) {
      problems.push(
        problem(
          line,
          null,
          'format.field_count',
          `this line has ${String(fields.length)} fields and the header ${String(header.length)}; ` +
            'give every column on every line (an empty field is two commas), with no comma inside a field',
        ),
      );
      return;
    }
    rows.push({ line, fields });
  });
  return { header, rows, problems };
}
