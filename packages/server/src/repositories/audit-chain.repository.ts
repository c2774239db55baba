/**
 * Reading the audit hash chains (the database writes them: see the audit_events_chain trigger). Every
 * field comes back in the text form the trigger hashed, so the chain is checked here independently of
 * the database's own function.
 */
import { and, asc, eq, gt, lt, or, sql } from 'drizzle-orm';
import type { Database } from '../db/database.js';
import { auditChainHeads, auditEvents } from '../db/schema.js';

/** How many independent chains the trigger spreads events over (see the migration). */
export const AUDIT_CHAINS = 64;

export interface ChainedEventRow {
  readonly id: string;
  readonly seq: number;
  readonly at: string;
  readonly action: string;
  readonly chain: number;
  readonly chainPos: number;
  readonly prevHash: string;
  readonly hash: string;
  /** The hashed fields, in the canonical order, as text (null where the column is null). */
  readonly fields: readonly (string | null)[];
}

export interface ChainHeadRow {
  readonly chain: number;
  readonly lastPos: number;
  readonly lastId: string | null;
  readonly headHash: string;
}

const e = auditEvents;
const selection = {
  id: e.id,
  seq: e.seq,
  at: sql<string>`${e.at}::text`,
  action: e.action,
  chain: e.chain,
  chainPos: e.chainPos,
  prevHash: e.prevHash,
  hash: e.hash,
  atMicros: sql<string>`(extract(epoch from ${e.at}) * 1000000)::bigint::text`,
  actor: e.actor,
  actorType: e.actorType,
  cardId: sql<string | null>`${e.cardId}::text`,
  userId: sql<string | null>`${e.userId}::text`,
  sessionId: sql<string | null>`${e.sessionId}::text`,
  ticket: e.ticket,
  details: sql<string>`${e.details}::text`,
};

const selectChained = (db: Database) => db.select(selection).from(e);
type Selected = Awaited<ReturnType<typeof selectChained>>[number];

function toChained(row: Selected): ChainedEventRow {
  return {
    id: row.id,
    seq: row.seq,
    at: row.at,
    action: row.action,
    chain: row.chain,
    chainPos: row.chainPos,
    prevHash: row.prevHash,
    hash: row.hash,
    fields: [
      row.id,
      String(row.chain),
      String(row.chainPos),
      row.atMicros,
      row.actor,
      row.actorType,
      row.action,
      row.cardId,
      row.userId,
      row.sessionId,
      row.ticket,
      row.details,
      row.prevHash,
    ],
  };
}

/** The events of `chain` after position `afterPos`, in chain order, at most `limit`. */
export async function readChainEvents(
  db: Database,
  chain: number,
  afterPos: number,
  limit: number,
): Promise<ChainedEventRow[]> {
  const rows = await selectChained(db)
    .where(and(eq(e.chain, chain), gt(e.chainPos, afterPos)))
    .orderBy(asc(e.chainPos), asc(e.seq))
    .limit(limit);
  return rows.map(toChained);
}

/** The event at `pos` in `chain` (several when rows were copied in with the triggers off). */
export async function readChainEventAt(db: Database, chain: number, pos: number): Promise<ChainedEventRow[]> {
  const rows = await selectChained(db).where(and(eq(e.chain, chain), eq(e.chainPos, pos)));
  return rows.map(toChained);
}

/** The first events that are in no chain (inserted while the triggers were disabled). */
export async function findUnchainedEvents(db: Database, limit: number): Promise<ChainedEventRow[]> {
  const rows = await selectChained(db)
    .where(or(lt(e.chain, 0), sql`${e.chain} >= ${AUDIT_CHAINS}`, lt(e.chainPos, 1)))
    .orderBy(asc(e.seq))
    .limit(limit);
  return rows.map(toChained);
}

export async function readChainHeads(db: Database): Promise<ChainHeadRow[]> {
  return db.select().from(auditChainHeads).orderBy(asc(auditChainHeads.chain));
}
