/**
 * Reading the card inventory for export, a page at a time in serial order (keyset on lower(serial),
 * which cards_serial_key indexes): each page is its own short query, so the export holds no transaction
 * open and works alike on both databases. Never reads a sealed key.
 */
import { sql } from 'drizzle-orm';
import type { Database } from '../db/database.js';

export interface InventoryRow {
  readonly serial: string;
  readonly type: string;
  readonly state: string;
  readonly username: string;
  readonly display_name: string;
  readonly email: string;
  readonly profile: string;
  readonly algorithm: string | null;
  readonly kcv: string | null;
  readonly attempts_used: number | null;
  readonly key_blocked: boolean | null;
  readonly registered_at: Date | string;
  /** lower(serial), the keyset position. */
  readonly position: string;
}

/** Up to `limit` cards after the serial position `after` (lower case; '' for the start). */
export async function readInventoryPage(db: Database, after: string, limit: number): Promise<InventoryRow[]> {
  const result: unknown = await db.execute(
    sql`select c.serial, c.type, c.state, u.username, u.display_name, u.email, p.name as profile,
               k.algorithm, k.kcv, k.attempts_used, (k.blocked_at is not null) as key_blocked,
               c.created_at as registered_at, lower(c.serial) as position
        from cards as c
        join users as u on u.id = c.user_id
        join profiles as p on p.id = c.profile_id
        left join admin_keys as k on k.card_id = c.id
        where lower(c.serial) > ${after}
        order by lower(c.serial)
        limit ${limit}`,
  );
  // Both drivers answer { rows }; the shared Database type does not say so.
  return (result as { rows: InventoryRow[] }).rows;
}
