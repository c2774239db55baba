/**
 * The card inventory as CSV (docs/import.md): one line per card with its holder, profile, algorithm and
 * key check value, never a key. Streamed: pages are read as the client takes them, so memory stays flat.
 */
import { Readable } from 'node:stream';
import { CARD_EXPORT_COLUMNS } from '@cardwarden/contract';
import { readInventoryPage, type InventoryRow } from '../repositories/card-export.repository.js';
import type { ServiceContext } from './context.js';

const PAGE = 1_000;

/** RFC 4180 quoting; a leading = + - @ is prefixed with ' so spreadsheets do not run it as a formula. */
function csvCell(value: string | number | boolean | null): string {
  if (value === null) return '';
  const text = String(value);
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

function toLine(row: InventoryRow): string {
  const registered = row.registered_at instanceof Date ? row.registered_at : new Date(row.registered_at);
  const values: Record<(typeof CARD_EXPORT_COLUMNS)[number], string | number | boolean | null> = {
    serial: row.serial,
    type: row.type,
    state: row.state,
    username: row.username,
    display_name: row.display_name,
    email: row.email,
    profile: row.profile,
    algorithm: row.algorithm,
    kcv: row.kcv,
    attempts_used: row.attempts_used,
    key_blocked: row.key_blocked,
    registered_at: registered.toISOString(),
  };
  return `${CARD_EXPORT_COLUMNS.map((column) => csvCell(values[column])).join(',')}\n`;
}

/**
 * Starts the export; resolves once the first page is read, so that a database that is down gives a
 * proper error answer instead of a broken download.
 */
export async function startInventoryExport(ctx: ServiceContext): Promise<Readable> {
  const first = await readInventoryPage(ctx.db, '', PAGE);
  async function* lines(): AsyncGenerator<string> {
    yield `${CARD_EXPORT_COLUMNS.join(',')}\n`;
    let page = first;
    while (page.length > 0) {
      yield page.map(toLine).join('');
      const last = page.at(-1);
      if (!last || page.length < PAGE) return;
      page = await readInventoryPage(ctx.db, last.position, PAGE);
    }
  }
  return Readable.from(lines());
}
