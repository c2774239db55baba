/**
 * The first step of online-unlock starts, for many starts in one statement: count each start's hit on
 * its client address's budget, find each card by serial (with its holder, profile and admin-key
 * counter) and count its holder's security answers. An unknown serial is one more row of the same
 * statement, so its refusal costs what a known card's does and the time does not tell which serials
 * exist; a flood of starts costs about one statement per statement's duration
 * (services/online-start-batches.ts gathers them), not one per start.
 */
import type { Database } from '../db/database.js';
import type { CardRecord } from './card.repository.js';
import { CARD_RECORD_JOINS, CARD_RECORD_SELECT, readCardRecord } from './card-record-columns.js';
import { runFixed, type FixedQuery } from './fixed-query.js';

/**
 * $1 the rate-limit keys and $2 the serials, one per start; $3 the window (s). Same window rule as
 * rate-limit.repository.ts; a key's hits are counted together (a row can be updated once per
 * statement), and each start's own count is worked out from the total (see checkOnlineStarts).
 */
const START_CHECKS: FixedQuery = {
  name: 'cw_online_start_checks',
  text: `with input as (
      select t.key, t.serial, t.n from unnest($1::text[], $2::text[]) with ordinality as t(key, serial, n)
    ),
    counted as (select key, count(*)::int as hits from input group by key),
    hit as (
      insert into rate_limits as r (key, window_start, count)
      select key, now(), hits from counted
      -- Rows are locked in key order, so two instances' batches never wait for each other in a cycle.
      order by key
      on conflict (key) do update set
        count = case when r.window_start <= now() - make_interval(secs => $3::float8)
          then excluded.count else r.count + excluded.count end,
        window_start = case when r.window_start <= now() - make_interval(secs => $3::float8)
          then now() else r.window_start end
      returning r.key, r.count, r.window_start
    ),
    card as (
      select ${CARD_RECORD_SELECT}, lower(c.serial) as serial_key
      from cards c ${CARD_RECORD_JOINS}
      where lower(c.serial) = any(array(select lower(serial) from input))
    ),
    answers as (
      select a.user_id, count(*)::int as answer_count from security_answers a
      where a.user_id = any(array(select "u_id" from card))
      group by a.user_id
    )
    select input.n, hit.count as hit_count, counted.hits as key_hits,
      greatest(0, extract(epoch from (hit.window_start + make_interval(secs => $3::float8) - now())))::float8
        as hit_seconds_left,
      coalesce(answers.answer_count, 0) as answer_count, card.*
    from input
    join counted on counted.key = input.key
    join hit on hit.key = input.key
    left join card on card.serial_key = lower(input.serial)
    left join answers on answers.user_id = card."u_id"
    order by input.n`,
};

export interface OnlineStartRequest {
  /** The rate-limit key of the client's address. */
  readonly addressKey: string;
  /** The serial as typed. */
  readonly serial: string;
}

export interface OnlineStartCheck {
  /** The address's hit: the count in its window and the seconds left of the window. */
  readonly hit: { readonly count: number; readonly secondsLeft: number };
  /** The card with that serial (any case); undefined when none. */
  readonly card: CardRecord | undefined;
  /** The security answers its holder has set (0 for an unknown serial). */
  readonly answerCount: number;
}

/**
 * Counts each start's hit on its address key (in windows of `windowSeconds`), finds each card by serial
 * and counts its holder's answers: one check per request, in their order. Starts of one key in one batch
 * get the counts 1, 2… after what the key had, in their order, as separate statements would give them.
 */
export async function checkOnlineStarts(
  db: Database,
  windowSeconds: number,
  requests: readonly OnlineStartRequest[],
): Promise<OnlineStartCheck[]> {
  const rows = await runFixed(db, START_CHECKS, [
    requests.map((request) => request.addressKey),
    requests.map((request) => request.serial),
    windowSeconds,
  ]);
  if (rows.length !== requests.length) throw new Error('the start checks returned the wrong number of rows');
  const seen = new Map<string, number>();
  return rows.map((row, index) => {
    const key = (requests[index] as OnlineStartRequest).addressKey;
    const before = seen.get(key) ?? 0;
    seen.set(key, before + 1);
    // The key's count after the whole batch, less the batch's hits that came after this one.
    const count = Number(row['hit_count']) - Number(row['key_hits']) + before + 1;
    return {
      hit: { count, secondsLeft: Number(row['hit_seconds_left']) },
      card: row['c_id'] === null || row['c_id'] === undefined ? undefined : readCardRecord(row),
      answerCount: Number(row['answer_count']),
    };
  });
}
