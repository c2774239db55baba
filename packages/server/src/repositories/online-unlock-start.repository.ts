/**
 * The first step of an online-unlock start in one statement: count the hit on the client address's
 * budget, find the card by serial (with its holder, profile and admin-key counter) and count its holder's
 * security answers. An unknown serial runs the same statement (the answer count for no one), so its
 * refusal costs what a known card's does and the time does not tell which serials exist; a flood of
 * starts costs one round trip each before it is refused.
 */
import type { Database } from '../db/database.js';
import type { CardRecord } from './card.repository.js';
import { CARD_RECORD_JOINS, CARD_RECORD_SELECT, readCardRecord } from './card-record-columns.js';
import { runFixed, type FixedQuery } from './fixed-query.js';

/** The nil id: the answers of no one, counted for an unknown serial. */
const NO_ONE = '00000000-0000-0000-0000-000000000000';

/** $1 the rate-limit key, $2 its window (s), $3 the serial. Same window rule as rate-limit.repository.ts. */
const START_CHECK: FixedQuery = {
  name: 'cw_online_start_check',
  text: `with hit as (
      insert into rate_limits as r (key, window_start, count) values ($1::text, now(), 1)
      on conflict (key) do update set
        count = case when r.window_start <= now() - make_interval(secs => $2::float8) then 1 else r.count + 1 end,
        window_start = case when r.window_start <= now() - make_interval(secs => $2::float8)
          then now() else r.window_start end
      returning r.count,
        greatest(0, extract(epoch from (r.window_start + make_interval(secs => $2::float8) - now())))::float8
          as seconds_left
    ),
    card as (
      select ${CARD_RECORD_SELECT}
      from cards c ${CARD_RECORD_JOINS}
      where lower(c.serial) = lower($3::text)
    ),
    answers as (
      select count(*)::int as answer_count from security_answers a
      where a.user_id = coalesce((select "u_id" from card), '${NO_ONE}'::uuid)
    )
    select hit.count as hit_count, hit.seconds_left as hit_seconds_left, answers.answer_count, card.*
    from hit cross join answers left join card on true`,
};

export interface OnlineStartCheck {
  /** The address's hit: the count in its window and the seconds left of the window. */
  readonly hit: { readonly count: number; readonly secondsLeft: number };
  /** The card with that serial (any case); undefined when none. */
  readonly card: CardRecord | undefined;
  /** The security answers its holder has set (0 for an unknown serial). */
  readonly answerCount: number;
}

/** Counts a hit on `addressKey` in a window of `windowSeconds`, finds the card of `serial`, counts answers. */
export async function checkOnlineStart(
  db: Database,
  addressKey: string,
  windowSeconds: number,
  serial: string,
): Promise<OnlineStartCheck> {
  const [row] = await runFixed(db, START_CHECK, [addressKey, windowSeconds, serial]);
  if (!row) throw new Error('the start check returned no row');
  return {
    hit: { count: Number(row['hit_count']), secondsLeft: Number(row['hit_seconds_left']) },
    card: row['c_id'] === null || row['c_id'] === undefined ? undefined : readCardRecord(row),
    answerCount: Number(row['answer_count']),
  };
}
