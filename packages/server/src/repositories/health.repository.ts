import { sql } from 'drizzle-orm';
import type { Database } from '../db/database.js';

/** The cheapest round trip to the database. */
export async function pingDatabase(db: Database): Promise<void> {
  await db.execute(sql`select 1`);
}
