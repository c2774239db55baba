/** Issuance runs (see the `issuances` table). */
import { and, desc, eq, sql } from 'drizzle-orm';
import type { AdminKeySlot as KeySlot, IssuanceState, IssuanceStepName } from '@cardwarden/contract/enums';
import type { Database } from '../db/database.js';
import { issuances } from '../db/schema.js';

export type { AdminKeySlot as KeySlot, IssuanceState, IssuanceStepName } from '@cardwarden/contract/enums';

export interface IssuanceRecord {
  readonly id: string;
  readonly cardId: string;
  readonly operatorId: string;
  readonly state: IssuanceState;
  readonly step: IssuanceStepName;
  readonly keySlot: KeySlot | null;
  readonly refusedSlots: string[];
  readonly hostChallenge: string | null;
  readonly cardChallenge: string | null;
  readonly keyConfirmedAt: Date | null;
  readonly expiresAt: Date;
}

const columns = {
  id: issuances.id,
  cardId: issuances.cardId,
  operatorId: issuances.operatorId,
  state: issuances.state,
  step: issuances.step,
  keySlot: issuances.keySlot,
  refusedSlots: issuances.refusedSlots,
  hostChallenge: issuances.hostChallenge,
  cardChallenge: issuances.cardChallenge,
  keyConfirmedAt: issuances.keyConfirmedAt,
  expiresAt: issuances.expiresAt,
};

export async function insertIssuance(
  db: Database,
  values: {
    cardId: string;
    operatorId: string;
    operatorName: string;
    keySlot: KeySlot;
    hostChallenge: string;
    keyConfirmedAt: Date | null;
    minutes: number;
  },
): Promise<string> {
  const { minutes, ...rest } = values;
  const [row] = await db
    .insert(issuances)
    .values({ ...rest, expiresAt: sql`now() + make_interval(mins => ${minutes})` })
    .returning({ id: issuances.id });
  if (!row) throw new Error('insert returned no row');
  return row.id;
}

/** Locks the run until the transaction ends: its steps come one at a time. */
export async function lockIssuance(db: Database, id: string): Promise<IssuanceRecord | undefined> {
  const [row] = await db.select(columns).from(issuances).where(eq(issuances.id, id)).for('update');
  return row;
}

/** The card's last run that was neither completed nor failed, to take over from. */
export async function latestOpenIssuance(db: Database, cardId: string): Promise<IssuanceRecord | undefined> {
  const [row] = await db
    .select(columns)
    .from(issuances)
    .where(and(eq(issuances.cardId, cardId), eq(issuances.state, 'open')))
    .orderBy(desc(issuances.createdAt))
    .limit(1);
  return row;
}

/** Marks the card's open runs abandoned (a new run takes over). */
export async function abandonOpenIssuances(db: Database, cardId: string): Promise<void> {
  await db
    .update(issuances)
    .set({ state: 'abandoned', closedAt: sql`now()` })
    .where(and(eq(issuances.cardId, cardId), eq(issuances.state, 'open')));
}

export async function updateIssuance(
  db: Database,
  id: string,
  values: Partial<{
    step: IssuanceStepName;
    state: IssuanceState;
    keySlot: KeySlot | null;
    refusedSlots: string[];
    hostChallenge: string | null;
    cardChallenge: string | null;
    keyConfirmed: boolean;
    closed: boolean;
  }>,
): Promise<void> {
  const { keyConfirmed, closed, ...rest } = values;
  await db
    .update(issuances)
    .set({
      ...rest,
      ...(keyConfirmed ? { keyConfirmedAt: sql`now()` } : {}),
      ...(closed ? { closedAt: sql`now()` } : {}),
    })
    .where(eq(issuances.id, id));
}
