import { and, desc, eq, gt, inArray, isNull, sql, type SQL } from 'drizzle-orm';
import type { SubjectType } from '@cardwarden/contract';
import { RESPONSE_BUDGET_HOURS } from '@cardwarden/contract/policy';
import type { Database } from '../db/database.js';
import { adminKeys, offlineUnblocks } from '../db/schema.js';
import type { SealedAdminKey } from './admin-key.repository.js';
import { auditActionSql, type AuditDetails } from './audit.repository.js';
import type { CardRecord } from './card.repository.js';
import { CARD_RECORD_JOINS, CARD_RECORD_SELECT, readCardRecord } from './card-record-columns.js';
import { pickColumns, runFixed, tableColumns, type FixedQuery, type RawRow } from './fixed-query.js';

export type OfflineUnblockRecord = typeof offlineUnblocks.$inferSelect;
export type OfflineUnblockState = OfflineUnblockRecord['state'];

export async function findOfflineUnblock(
  db: Database,
  id: string,
): Promise<OfflineUnblockRecord | undefined> {
  const [row] = await db.select().from(offlineUnblocks).where(eq(offlineUnblocks.id, id));
  return row;
}

/** Reads a session and locks it until the transaction ends. */
export async function lockOfflineUnblock(
  db: Database,
  id: string,
): Promise<OfflineUnblockRecord | undefined> {
  const [row] = await db.select().from(offlineUnblocks).where(eq(offlineUnblocks.id, id)).for('update');
  return row;
}

export async function recordResponseIssued(db: Database, id: string): Promise<void> {
  await db
    .update(offlineUnblocks)
    .set({ responsesIssued: sql`${offlineUnblocks.responsesIssued} + 1` })
    .where(eq(offlineUnblocks.id, id));
}

export async function recordApproval(
  db: Database,
  id: string,
  approver: { id: string; username: string },
): Promise<void> {
  await db
    .update(offlineUnblocks)
    .set({ approvedById: approver.id, approvedByName: approver.username, approvedAt: sql`now()` })
    .where(eq(offlineUnblocks.id, id));
}

/** An approval covers one last-attempt response; issuing it uses the approval up. */
export async function consumeApproval(db: Database, id: string): Promise<void> {
  await db
    .update(offlineUnblocks)
    .set({ approvedById: null, approvedByName: null, approvedAt: null })
    .where(eq(offlineUnblocks.id, id));
}

export async function closeOfflineUnblock(
  db: Database,
  id: string,
  state: Exclude<OfflineUnblockState, 'open'>,
): Promise<void> {
  await db
    .update(offlineUnblocks)
    .set({ state, closedAt: sql`now()` })
    .where(eq(offlineUnblocks.id, id));
}

/**
 * Sessions, newest first. `awaitingApproval` keeps, per card, only the newest open, unexpired session an
 * operator started, and only when nobody approved it yet (the caller checks that its next response is
 * the last attempt): an older session of the same card waits for nothing.
 */
export async function listOfflineUnblocks(
  db: Database,
  filter: {
    state?: OfflineUnblockState | undefined;
    cardId?: string | undefined;
    awaitingApproval?: boolean | undefined;
    limit: number;
  },
): Promise<OfflineUnblockRecord[]> {
  const conditions: SQL[] = [];
  if (filter.state) conditions.push(eq(offlineUnblocks.state, filter.state));
  if (filter.cardId) conditions.push(eq(offlineUnblocks.cardId, filter.cardId));
  if (filter.awaitingApproval) {
    const newestPerCard = db
      .selectDistinctOn([offlineUnblocks.cardId], { id: offlineUnblocks.id })
      .from(offlineUnblocks)
      .where(
        and(
          eq(offlineUnblocks.state, 'open'),
          gt(offlineUnblocks.expiresAt, sql`now()`),
          eq(offlineUnblocks.startedByType, 'operator'),
        ),
      )
      .orderBy(offlineUnblocks.cardId, desc(offlineUnblocks.createdAt), desc(offlineUnblocks.id));
    conditions.push(inArray(offlineUnblocks.id, newestPerCard), isNull(offlineUnblocks.approvedAt));
  }
  return db
    .select()
    .from(offlineUnblocks)
    .where(conditions.length > 0 ? and(...conditions) : undefined)
    .orderBy(desc(offlineUnblocks.createdAt))
    .limit(filter.limit);
}

export async function recordIdentityVerified(db: Database, id: string): Promise<void> {
  await db
    .update(offlineUnblocks)
    .set({ identityVerifiedAt: sql`now()` })
    .where(eq(offlineUnblocks.id, id));
}

/*
 * The offline-unblock cycle's statements (see fixed-query.ts): each request reads what it needs in one
 * statement and writes everything in one more, instead of a dozen round trips.
 */
const S = tableColumns(offlineUnblocks, 's', 's_');
// Of the key, besides the card record's counter, what opening or deriving it needs.
const SEALED_KEY = pickColumns(adminKeys, 'k', 'k_', ['sealed', 'masterId', 'derivation']);

/** A card as the unblock decisions need it, with what only this path reads (sealed key, switches). */
export interface UnblockCardRow {
  readonly card: CardRecord;
  /** The sealed admin key (what opening or deriving it needs). */
  readonly adminKey: SealedAdminKey;
  /** The stored offline-unblock setting (see settings.service.ts); undefined when never set. */
  readonly offlineUnblockSetting: string | undefined;
}

const CARD_SELECT = `${CARD_RECORD_SELECT}, ${SEALED_KEY.select},
    (select value from settings where key = $2::text) as offline_unblock_setting`;

function readCard(row: RawRow): UnblockCardRow {
  const card = readCardRecord(row);
  const setting = row['offline_unblock_setting'];
  return {
    card,
    adminKey: { algorithm: card.adminKey.algorithm, ...SEALED_KEY.read(row) },
    offlineUnblockSetting: typeof setting === 'string' ? setting : undefined,
  };
}

/**
 * The responses issued for the card in its 24 h budget window (see countRecentResponses in
 * admin-key.repository.ts, which this must match), for the card `k` of the statement.
 */
const RECENT_RESPONSES = `(select count(*)::int from admin_key_responses r
      where r.card_id = k.card_id
        and r.issued_at > now() - make_interval(hours => ${RESPONSE_BUDGET_HOURS})
        and r.issued_at > k.created_at
        and (k.confirmed_unblock_at is null or r.issued_at > k.confirmed_unblock_at))`;

const CARD_TO_START: FixedQuery = {
  name: 'cw_unblock_card',
  text: `select ${CARD_SELECT}, ${RECENT_RESPONSES} as recent_responses
    from cards c ${CARD_RECORD_JOINS}
    where c.id = $1::uuid`,
};

/** A card about to get an unblock session, and its responses in the budget window (not locked). */
export async function findCardToUnblock(
  db: Database,
  cardId: string,
  settingKey: string,
): Promise<(UnblockCardRow & { recentResponses: number }) | undefined> {
  const [row] = await runFixed(db, CARD_TO_START, [cardId, settingKey]);
  return row && { ...readCard(row), recentResponses: Number(row['recent_responses']) };
}

const SESSION_SELECT = `select ${S.select}, ${CARD_SELECT}
    from offline_unblocks s
    join cards c on c.id = s.card_id ${CARD_RECORD_JOINS}
    where s.id = $1::uuid`;
// Sessions are locked before admin keys everywhere (one statement locks them in that order).
const SESSION_AND_KEY_FOR_UPDATE: FixedQuery = {
  name: 'cw_unblock_session_key_lock',
  text: `${SESSION_SELECT} for update of s, k`,
};
const SESSION_FOR_UPDATE: FixedQuery = {
  name: 'cw_unblock_session_lock',
  text: `${SESSION_SELECT} for update of s`,
};

/**
 * Reads a session with its card and locks the session (and, with `lockKey`, the card's admin key, which
 * serialises counting its attempts across every instance) until the transaction ends.
 */
export async function lockSessionWithCard(
  db: Database,
  id: string,
  settingKey: string,
  lockKey: boolean,
): Promise<(UnblockCardRow & { session: OfflineUnblockRecord }) | undefined> {
  const [row] = await runFixed(db, lockKey ? SESSION_AND_KEY_FOR_UPDATE : SESSION_FOR_UPDATE, [
    id,
    settingKey,
  ]);
  return row && { ...readCard(row), session: S.read(row) };
}

/*
 * The same read without a lock, with the row versions (xmin) of the session and the admin key: the
 * optimistic response (ISSUE_RESPONSE with versions) writes only if neither changed since.
 */
const SESSION_READ: FixedQuery = {
  name: 'cw_unblock_session_read',
  text: `select ${S.select}, ${CARD_SELECT}, s.xmin::text as s_version, k.xmin::text as k_version
    from offline_unblocks s
    join cards c on c.id = s.card_id ${CARD_RECORD_JOINS}
    where s.id = $1::uuid`,
};

/** The row versions a read saw: a write given them happens only if both rows are still as read. */
export interface UnblockVersions {
  readonly session: string;
  readonly key: string;
}

/** Reads a session with its card, without locking anything, and the versions of the session and key. */
export async function readSessionWithCard(
  db: Database,
  id: string,
  settingKey: string,
): Promise<(UnblockCardRow & { session: OfflineUnblockRecord; versions: UnblockVersions }) | undefined> {
  const [row] = await runFixed(db, SESSION_READ, [id, settingKey]);
  return (
    row && {
      ...readCard(row),
      session: S.read(row),
      versions: { session: String(row['s_version']), key: String(row['k_version']) },
    }
  );
}

const AUDIT_INSERT = `insert into audit_events (actor, actor_type, action, card_id, user_id, session_id, ticket, details)`;

const START_SESSION: FixedQuery = {
  name: 'cw_unblock_start',
  text: `with s as (
      insert into offline_unblocks (identity_question_ids, card_id, user_id, started_by_type, started_by_id,
        started_by_name, ticket, expires_at)
      values ($1::jsonb, $2::uuid, $3::uuid, $4::text, $5::uuid, $6::text, $7::text, $8::timestamptz)
      returning *
    ), audited as (
      ${AUDIT_INSERT}
      select $6::text, $4::text, ${auditActionSql('offline_unblock.started')}, s.card_id, s.user_id, s.id, s.ticket, $9::jsonb from s
    )
    select ${S.select} from s`,
};

/** Inserts a session and its `offline_unblock.started` audit event, in one statement. */
export async function startSession(
  db: Database,
  session: {
    identityQuestionIds: string[];
    cardId: string;
    userId: string;
    startedByType: SubjectType;
    startedById: string;
    startedByName: string;
    ticket: string | null;
    expiresAt: Date;
  },
  details: AuditDetails,
): Promise<OfflineUnblockRecord> {
  const [row] = await runFixed(db, START_SESSION, [
    JSON.stringify(session.identityQuestionIds),
    session.cardId,
    session.userId,
    session.startedByType,
    session.startedById,
    session.startedByName,
    session.ticket,
    session.expiresAt.toISOString(),
    JSON.stringify(details),
  ]);
  if (!row) throw new Error('insert returned no row');
  return S.read(row);
}

/*
 * Counting a response: the budget check, the count, the budget record, the session's count (and the
 * approval it used up) and the audit event. The writes happen only when the budget allows (not over
 * it, or approved), so a refusal writes nothing.
 *
 * Either under the session's and admin key's row locks taken by lockSessionWithCard (versions null), or
 * optimistically after readSessionWithCard (versions given): the statement then locks the session and
 * the key itself, session first, and writes only if both rows are still the versions that were read
 * (under READ COMMITTED a row changed meanwhile is re-read at its newest version, whose xmin differs).
 * Every counted response changes the key's row, so an unchanged key means the budget count of this
 * statement sees the same responses the locked path would count.
 * The rules are the policy's (`@cardwarden/contract/policy`): $4, $5 and $6 are its decideAttempt's
 * answers, and `over` is its isBeyondDailyBudget, stated in SQL so that the cap is decided on the count
 * this statement reads and writes.
 * Parameters: $1 card, $2 session, $3 attempt limit, $4 is the last attempt, $5 an approval may go
 * beyond the budget, $6 the budget record counts as approved anyway (last attempt), $7 the session's
 * approval is used up, $8 actor, $9 actor type, $10 user, $11 ticket, $12 audit details, $13 audit
 * details added when beyond the budget, $14 the session's version read (or null), $15 the key's (or null).
 */
const ISSUE_RESPONSE: FixedQuery = {
  name: 'cw_unblock_issue',
  text: `with session as (
      select 1 from offline_unblocks
      where id = $2::uuid and ($14::text is null or xmin::text = $14::text)
      for update
    ), recent as (
      select ${RECENT_RESPONSES} as n from admin_keys k where k.card_id = $1::uuid
    ), decision as (
      select n, (not $4::boolean and n >= $3::int) as over from recent
    ), allowed as (
      select n, over from decision where (not over or $5::boolean) and exists (select 1 from session)
    ), counted as (
      update admin_keys set attempts_used = attempts_used + 1, updated_at = now()
      where card_id = $1::uuid and attempts_used < $3::int and exists (select 1 from allowed)
        and ($15::text is null or xmin::text = $15::text)
      returning attempts_used
    ), recorded as (
      insert into admin_key_responses (card_id, approved)
      select $1::uuid, allowed.over or $6::boolean from allowed, counted
    ), issued as (
      update offline_unblocks set responses_issued = responses_issued + 1,
        approved_by_id = case when $7::boolean then null else approved_by_id end,
        approved_by_name = case when $7::boolean then null else approved_by_name end,
        approved_at = case when $7::boolean then null else approved_at end
      where id = $2::uuid and exists (select 1 from counted)
    ), audited as (
      ${AUDIT_INSERT}
      select $8::text, $9::text, ${auditActionSql('offline_unblock.response_issued')}, $1::uuid, $10::uuid, $2::uuid, $11::text,
        $12::jsonb || (case when allowed.over then $13::jsonb else '{}'::jsonb end)
          || jsonb_build_object('attemptsRemaining', $3::int - counted.attempts_used)
      from allowed, counted
    )
    select decision.n, decision.over, (select attempts_used from counted) as used from decision`,
};

export interface IssueOutcome {
  /** Responses in the budget window before this one. */
  readonly recentResponses: number;
  /** This response would go beyond the 24 h budget. */
  readonly overBudget: boolean;
  /** The new attempt count; undefined when nothing was written (refused). */
  readonly attemptsUsed: number | undefined;
}

/**
 * Counts one response (see ISSUE_RESPONSE): of a locked session, or, with `versions`, of a session and
 * key still as read. Nothing is written when refused or when either row changed.
 */
export async function issueSessionResponse(
  db: Database,
  input: {
    cardId: string;
    sessionId: string;
    attemptLimit: number;
    lastAttempt: boolean;
    mayExceedBudget: boolean;
    recordApproved: boolean;
    consumeApproval: boolean;
    actor: string;
    actorType: SubjectType;
    userId: string;
    ticket: string | null;
    details: AuditDetails;
    detailsBeyondBudget: AuditDetails;
    versions?: UnblockVersions | undefined;
  },
): Promise<IssueOutcome> {
  const [row] = await runFixed(db, ISSUE_RESPONSE, [
    input.cardId,
    input.sessionId,
    input.attemptLimit,
    input.lastAttempt,
    input.mayExceedBudget,
    input.recordApproved,
    input.consumeApproval,
    input.actor,
    input.actorType,
    input.userId,
    input.ticket,
    JSON.stringify(input.details),
    JSON.stringify(input.detailsBeyondBudget),
    input.versions?.session ?? null,
    input.versions?.key ?? null,
  ]);
  if (!row) throw new Error('the admin key disappeared');
  const used = row['used'];
  return {
    recentResponses: Number(row['n']),
    overBudget: row['over'] === true,
    attemptsUsed: used === null || used === undefined ? undefined : Number(used),
  };
}

/*
 * Closing a locked session with its outcome: the state, the attempt count's reset ("unblocked"), the
 * blocked mark (a failure on the last attempt) and the audit event, in one statement.
 * $1 session, $2 state, $3 card, $4 reset the count, $5 mark the key blocked, $6 actor, $7 actor type,
 * $8 user, $9 ticket, $10 audit details.
 */
const CLOSE_SESSION: FixedQuery = {
  name: 'cw_unblock_close',
  text: `with closed as (
      update offline_unblocks set state = $2::text, closed_at = now() where id = $1::uuid returning closed_at
    ), reset as (
      update admin_keys set attempts_used = 0, updated_at = now()
      where card_id = $3::uuid and $4::boolean returning updated_at
    ), blocked as (
      update admin_keys set blocked_at = now()
      where card_id = $3::uuid and $5::boolean and blocked_at is null returning blocked_at
    ), audited as (
      ${AUDIT_INSERT}
      values ($6::text, $7::text, ${auditActionSql('offline_unblock.outcome_recorded')}, $3::uuid, $8::uuid, $1::uuid, $9::text, $10::jsonb)
    )
    select (select closed_at from closed) as closed_at, (select updated_at from reset) as reset_at,
      (select blocked_at from blocked) as blocked_at`,
};

/** Closes a locked session (see CLOSE_SESSION); when each change happened. */
export async function closeSessionWithOutcome(
  db: Database,
  input: {
    sessionId: string;
    state: Exclude<OfflineUnblockState, 'open'>;
    cardId: string;
    resetAttempts: boolean;
    markKeyBlocked: boolean;
    actor: string;
    actorType: SubjectType;
    userId: string;
    ticket: string | null;
    details: AuditDetails;
  },
): Promise<{ closedAt: Date; resetAt: Date | undefined; blockedAt: Date | undefined }> {
  const [row] = await runFixed(db, CLOSE_SESSION, [
    input.sessionId,
    input.state,
    input.cardId,
    input.resetAttempts,
    input.markKeyBlocked,
    input.actor,
    input.actorType,
    input.userId,
    input.ticket,
    JSON.stringify(input.details),
  ]);
  // Both drivers give timestamps as PostgreSQL's text here (drizzle's raw row mode).
  const at = (value: unknown): Date | undefined =>
    typeof value === 'string' ? new Date(value) : value instanceof Date ? value : undefined;
  const closedAt = at(row?.['closed_at']);
  if (!closedAt) throw new Error('the session disappeared');
  return { closedAt, resetAt: at(row?.['reset_at']), blockedAt: at(row?.['blocked_at']) };
}

/*
 * The usual outcome in one statement, without a transaction: the session is closed only if it is the
 * actor's, open and has a response (the UPDATE takes the session's row lock and checks these again on
 * the newest version, as the locked read would), and the count, the blocked mark and the audit event
 * follow from the row it closed. Nothing changes when it does not qualify: the caller then takes the
 * locked path, which says why. $1 session, $2 state, $3 actor type, $4 actor id, $5 actor name,
 * $6 ticket (null: the session's), $7 settings key.
 */
const CLOSE_OWN_SESSION: FixedQuery = {
  name: 'cw_unblock_close_own',
  text: `with s as (
      update offline_unblocks set state = $2::text, closed_at = now()
      where id = $1::uuid and state = 'open' and responses_issued > 0
        and started_by_type = $3::text and started_by_id = $4::uuid
      returning *
    ), card as (
      -- The policy's failureBlocksKey (no attempt left when a failure comes in), in SQL to stay one statement.
      select k.card_id, k.attempts_used >= p.admin_key_attempt_limit as exhausted
      from s join cards c on c.id = s.card_id
        join profiles p on p.id = c.profile_id
        join admin_keys k on k.card_id = c.id
    ), reset as (
      update admin_keys set attempts_used = 0, updated_at = now()
      from card where admin_keys.card_id = card.card_id and $2::text = 'unblocked'
      returning admin_keys.updated_at
    ), blocked as (
      update admin_keys set blocked_at = now()
      from card where admin_keys.card_id = card.card_id and $2::text = 'failed' and card.exhausted
        and admin_keys.blocked_at is null
      returning admin_keys.blocked_at
    ), audited as (
      ${AUDIT_INSERT}
      select $5::text, $3::text, ${auditActionSql('offline_unblock.outcome_recorded')}, s.card_id, s.user_id, s.id,
        coalesce($6::text, s.ticket),
        jsonb_build_object('result', $2::text, 'responsesIssued', s.responses_issued)
          || (case when $2::text = 'failed' and card.exhausted then '{"adminKeyBlocked": true}'::jsonb
              else '{}'::jsonb end)
      from s, card
    )
    select ${S.select}, ${CARD_RECORD_SELECT}, ${SEALED_KEY.select},
      (select value from settings where key = $7::text) as offline_unblock_setting,
      (select updated_at from reset) as reset_at,
      case when $2::text = 'failed' and card.exhausted then coalesce((select blocked_at from blocked), k.blocked_at) end
        as blocked_at
    from s join card on true
      join cards c on c.id = s.card_id ${CARD_RECORD_JOINS}`,
};

/**
 * Closes the actor's open session that has a response, with its outcome (see CLOSE_OWN_SESSION): the
 * closed session and its card as they are now; undefined when the session does not qualify.
 */
export async function closeOwnSession(
  db: Database,
  input: {
    sessionId: string;
    state: Exclude<OfflineUnblockState, 'open'>;
    actorType: SubjectType;
    actorId: string;
    actorName: string;
    ticket: string | null;
    settingKey: string;
  },
): Promise<(UnblockCardRow & { session: OfflineUnblockRecord }) | undefined> {
  const [row] = await runFixed(db, CLOSE_OWN_SESSION, [
    input.sessionId,
    input.state,
    input.actorType,
    input.actorId,
    input.actorName,
    input.ticket,
    input.settingKey,
  ]);
  if (!row) return undefined;
  const found = readCard(row);
  const at = (value: unknown): Date | undefined =>
    typeof value === 'string' ? new Date(value) : value instanceof Date ? value : undefined;
  const resetAt = at(row['reset_at']);
  const blockedAt = at(row['blocked_at']);
  // The joined admin key was read before this statement's own changes: apply them.
  const adminKey = {
    ...found.card.adminKey,
    ...(resetAt ? { attemptsUsed: 0, updatedAt: resetAt } : {}),
    ...(blockedAt ? { blockedAt } : {}),
  };
  return { ...found, card: { ...found.card, adminKey }, session: S.read(row) };
}
