/**
 * The import file as JSON (`Content-Type: application/json`): an array of objects with the CSV's columns
 * as fields, e.g. `[{"username":"ann","display_name":"Ann Smith",…,"key":"2B7E…"}]`. Every item is
 * checked like a CSV line; a problem names the item by its index in the array (from 0) and by the line
 * of the file where the item starts. Values are strings; `master_version` may be a number.
 */
import type { ImportLineProblem } from '@cardwarden/contract';
import { IMPORT_KEY_COLUMNS, IMPORT_REQUIRED_COLUMNS } from '@cardwarden/contract';
import { decode, problem, type ParsedFile, type FileRow } from './import-csv.js';

/** Every field an item may have, in the order of the CSV header (the items' "columns"). */
export const JSON_FIELDS: readonly string[] = [...IMPORT_REQUIRED_COLUMNS, ...IMPORT_KEY_COLUMNS];

const BOM = '\uFEFF';

/** The line (from 1) of each offset in `starts` (ascending), counting line feeds once over the text. */
function linesOf(text: string, starts: readonly number[]): number[] {
  const lines: number[] = [];
  let line = 1;
  let position = 0;
  for (const start of starts) {
    for (; position < start; position++) if (text.charCodeAt(position) === 10) line++;
    lines.push(line);
  }
  return lines;
}

/**
 * Where each item of the top-level array starts (offsets), found by one pass over the text that follows
 * strings and nesting; only used once JSON.parse accepted the text, so the text is valid JSON.
 */
function itemStarts(text: string): number[] {
  const starts: number[] = [];
  let depth = 0;
  let inString = false;
  let expectItem = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92 /* \ */) i++;
      else if (c === 34 /* " */) inString = false;
      continue;
    }
    if (c === 32 || c === 10 || c === 13 || c === 9) continue;
    if (depth === 1 && expectItem && c !== 93 /* ] */) {
      starts.push(i);
      expectItem = false;
    }
    if (c === 34) inString = true;
    else if (c === 91 /* [ */ || c === 123 /* { */) {
      depth++;
      if (depth === 1) expectItem = true;
    } else if (c === 93 || c === 125 /* } */) depth--;
    else if (c === 44 /* , */ && depth === 1) expectItem = true;
  }
  return starts;
}

/** The line of a JSON.parse error, from the position V8 names in its message. */
function syntaxErrorLine(text: string, message: string): number {
  if (message.includes('end of JSON input')) return linesOf(text, [text.length])[0] ?? 1;
  const line = /line (\d+)/.exec(message);
  if (line) return Number(line[1]);
  const position = /position (\d+)/.exec(message);
  return position ? (linesOf(text, [Number(position[1])])[0] ?? 1) : 1;
}

export function parseImportJson(body: Uint8Array): ParsedFile {
  const problems: ImportLineProblem[] = [];
  const decoded = decode(body);
  let text = decoded.text;
  if (decoded.badUtf8) {
    problems.push(
      problem(
        1,
        null,
        'format.encoding',
        'the file is not valid UTF-8; save it as UTF-8 (it may be Latin-1 or UTF-16)',
      ),
    );
    return { header: [], rows: [], problems };
  }
  if (text.startsWith(BOM)) text = text.slice(BOM.length); // harmless in JSON (RFC 8259 lets parsers skip it)
  let items: unknown;
  try {
    items = JSON.parse(text);
  } catch (error) {
    const message = error instanceof SyntaxError ? error.message : 'it does not parse';
    // V8's message quotes a few characters of the text around the fault: never repeat it (it may be a key).
    const line = syntaxErrorLine(text, message);
    problems.push(
      problem(
        line,
        null,
        text.trim() === '' ? 'format.empty' : 'format.json',
        text.trim() === ''
          ? 'the file is empty'
          : `the file is not valid JSON (the fault is on line ${String(line)}): check quotes, commas and brackets there (a JSON checker such as \`jq . FILE\` shows it)`,
      ),
    );
    return { header: [], rows: [], problems };
  }
  if (!Array.isArray(items)) {
    problems.push(
      problem(
        1,
        null,
        'format.not_array',
        'the file is one JSON value, not an array: write [ {…}, {…} ], one object per card',
      ),
    );
    return { header: [], rows: [], problems };
  }
  const lines = linesOf(text, itemStarts(text));
  const rows: FileRow[] = [];
  items.forEach((item: unknown, index) => {
    const line = lines[index] ?? 1;
    const fail = (column: string | null, name: string, message: string): void => {
      problems.push({ ...problem(line, column, name, message), item: index });
    };
    if (typeof item !== 'object' || item === null || Array.isArray(item)) {
      fail(
        null,
        'format.not_object',
        'this item is not an object: give each card as {"username": …, "serial": …, …}',
      );
      return;
    }
    const fields: string[] = JSON_FIELDS.map(() => '');
    let bad = false;
    for (const [name, value] of Object.entries(item as Record<string, unknown>)) {
      const position = JSON_FIELDS.indexOf(name.toLowerCase());
      if (position < 0) {
        fail(name, 'field.unknown', `unknown field "${name}"; the fields are ${JSON_FIELDS.join(', ')}`);
        bad = true;
      } else if (typeof value === 'string') {
        fields[position] = value.trim();
      } else if (typeof value === 'number' && name.toLowerCase() === 'master_version') {
        fields[position] = String(value);
      } else if (value !== null) {
        fail(name, 'field.type', `the field "${name}" must be a string (in quotes)`);
        bad = true;
      }
    }
    if (!bad) rows.push({ line, item: index, fields });
  });
  return { header: [...JSON_FIELDS], rows, problems };
}
