import { eq, sql } from 'drizzle-orm';
import type { Database } from '../db/database.js';
import { settings } from '../db/schema.js';

export async function getSetting(db: Database, key: string): Promise<string | undefined> {
  const [row] = await db.select({ value: settings.value }).from(settings).where(eq(settings.key, key));
  return row?.value;
}

/** Stores `value` unless the key is already set; returns the value that is stored afterwards. */
export async function setSettingOnce(db: Database, key: string, value: string): Promise<string> {
  await db.insert(settings).values({ key, value }).onConflictDoNothing();
  return (await getSetting(db, key)) ?? value;
}

export async function putSetting(db: Database, key: string, value: string): Promise<void> {
  await db
    .insert(settings)
    .values({ key, value })
    .onConflictDoUpdate({ target: settings.key, set: { value, updatedAt: sql`now()` } });
}
