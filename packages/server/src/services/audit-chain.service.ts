/**
 * Verifying the audit hash chains. The database links every event to the previous one of its chain
 * (trigger audit_events_chain); this recomputes each hash from the event's fields, so a row changed,
 * removed or slipped in behind the triggers' back is found and named.
 */
import { sha256Hex } from '@cardwarden/protocol/crypto';
import type { Database } from '../db/database.js';
import {
  AUDIT_CHAINS,
  findUnchainedEvents,
  readChainEventAt,
  readChainEvents,
  readChainHeads,
  type ChainedEventRow,
} from '../repositories/audit-chain.repository.js';

const BATCH = 2000;

/** Where a chain was seen last: position and hash of its last event (0 and '' for an empty chain). */
export interface ChainMark {
  readonly chain: number;
  readonly pos: number;
  readonly hash: string;
  readonly lastId: string | null;
}

export interface ChainBreak {
  readonly eventId: string;
  readonly seq: number;
  readonly at: string;
  readonly action: string;
  readonly chain: number;
  readonly pos: number;
  readonly reason: string;
}

export interface ChainReport {
  /** Events checked. */
  readonly events: number;
  /** Each chain's last verified event. */
  readonly heads: readonly ChainMark[];
  /** The problems found, first (lowest seq) first; empty when every chain is intact. */
  readonly breaks: readonly ChainBreak[];
}

/** The canonical content the trigger hashes (see audit_event_canonical in the migration). */
export function canonicalAuditContent(fields: readonly (string | null)[]): string {
  return `cardwarden-audit-v1${fields
    .map((field) => (field === null ? '|-' : `|${String(Buffer.byteLength(field, 'utf8'))}:${field}`))
    .join('')}`;
}

export function auditEventHash(fields: readonly (string | null)[]): string {
  return sha256Hex(canonicalAuditContent(fields));
}

function breakAt(row: ChainedEventRow, reason: string): ChainBreak {
  return {
    eventId: row.id,
    seq: row.seq,
    at: row.at,
    action: row.action,
    chain: row.chain,
    pos: row.chainPos,
    reason,
  };
}

/** One line naming the event that does not match, for the CLI and the log. */
export function describeBreak(item: ChainBreak): string {
  return `event ${item.eventId} (seq ${String(item.seq)}, ${item.at}, ${item.action}; chain ${String(item.chain)} position ${String(item.pos)}): ${item.reason}`;
}

/**
 * Checks `chain` from `from` (a mark seen earlier, or the start) to its end; stops at the first break.
 * Returns the new mark and the number of events checked.
 */
export async function verifyChain(
  db: Database,
  from: ChainMark,
): Promise<{ mark: ChainMark; events: number; broken: ChainBreak | undefined }> {
  let mark = from;
  let events = 0;
  if (from.pos > 0) {
    // The mark's own event must still be there, unchanged: otherwise history before it was rewritten.
    const [at] = await readChainEventAt(db, from.chain, from.pos);
    if (!at || at.hash !== from.hash || auditEventHash(at.fields) !== at.hash) {
      const reason = at
        ? `differs from the checkpoint (hash ${from.hash}): the chain up to here was rewritten`
        : 'is missing: the chain up to here was rewritten or cut';
      const missing: ChainBreak = {
        eventId: from.lastId ?? '?',
        seq: at?.seq ?? 0,
        at: at?.at ?? '?',
        action: at?.action ?? '?',
        chain: from.chain,
        pos: from.pos,
        reason,
      };
      return { mark, events, broken: missing };
    }
  }
  for (;;) {
    const rows = await readChainEvents(db, from.chain, mark.pos, BATCH);
    for (const row of rows) {
      events++;
      if (row.chainPos !== mark.pos + 1) {
        const reason =
          row.chainPos === mark.pos
            ? 'a second event at the same position (copied in with the triggers off?)'
            : `events ${String(mark.pos + 1)} to ${String(row.chainPos - 1)} of this chain are missing (deleted?)`;
        return { mark, events, broken: breakAt(row, reason) };
      }
      if (row.prevHash !== mark.hash) {
        return { mark, events, broken: breakAt(row, 'does not link to the previous event of its chain') };
      }
      if (auditEventHash(row.fields) !== row.hash) {
        return {
          mark,
          events,
          broken: breakAt(row, 'its content does not match its hash: it was changed after it was written'),
        };
      }
      mark = { chain: row.chain, pos: row.chainPos, hash: row.hash, lastId: row.id };
    }
    if (rows.length < BATCH) return { mark, events, broken: undefined };
  }
}

/** The start of every chain: verifying from these checks everything. */
export function chainStarts(): ChainMark[] {
  return Array.from({ length: AUDIT_CHAINS }, (_, chain) => ({ chain, pos: 0, hash: '', lastId: null }));
}

/**
 * Verifies every chain from `from` (the start by default), the chain heads the database keeps, and
 * that no event sits outside the chains.
 */
export async function verifyAuditChains(
  db: Database,
  from: readonly ChainMark[] = chainStarts(),
): Promise<ChainReport> {
  const heads: ChainMark[] = [];
  const breaks: ChainBreak[] = [];
  let events = 0;
  const stored = new Map((await readChainHeads(db)).map((head) => [head.chain, head]));
  for (const start of from) {
    const result = await verifyChain(db, start);
    events += result.events;
    heads.push(result.mark);
    if (result.broken) {
      breaks.push(result.broken);
      continue;
    }
    const head = stored.get(start.chain);
    // The head is read before the walk; events added since are past it and fine.
    if (head && head.lastPos > result.mark.pos) {
      breaks.push({
        eventId: head.lastId ?? '?',
        seq: 0,
        at: '?',
        action: '?',
        chain: start.chain,
        pos: head.lastPos,
        reason: `is missing: chain ${String(start.chain)} ends at position ${String(result.mark.pos)} but its head says ${String(head.lastPos)} (events deleted)`,
      });
    }
  }
  for (const row of await findUnchainedEvents(db, 10)) {
    breaks.push(breakAt(row, 'is in no chain: it was inserted while the audit triggers were disabled'));
  }
  breaks.sort((a, b) => a.seq - b.seq);
  return { events, heads, breaks };
}
