/**
 * The database schema. Migrations are generated from it (`npm run db:generate -w packages/server`) and
 * run at start. Keep to PostgreSQL 15 SQL: PGlite is PostgreSQL 18, production may be 15.
 */
import {
  ACCOUNT_SOURCES,
  ADMIN_KEY_ALGORITHMS,
  ADMIN_KEY_SLOTS,
  ADMIN_KEY_SOURCES,
  AUDIT_ACTOR_TYPES,
  CARD_STATES,
  CARD_TYPES,
  ISSUANCE_STATES,
  ISSUANCE_STEPS,
  MASTER_ALGORITHMS,
  MASTER_STATES,
  NOTIFICATION_STATUSES,
  OFFLINE_UNBLOCK_STATES,
  ONLINE_UNLOCK_STATES,
  OPERATOR_ROLES,
  OPERATOR_STATES,
  SUBJECT_TYPES,
  TOKEN_SCOPES,
  USER_STATES,
} from '@cardwarden/contract/enums';
import { sql } from 'drizzle-orm';
import { searchKey } from './search-key.js';
import {
  type AnyPgColumn,
  bigint,
  bigserial,
  boolean,
  check,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  smallint,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';

/**
 * A CHECK constraint that keeps a column to one of the contract's words (`@cardwarden/contract/enums`),
 * so that a row no client can read never gets in, whoever writes it. NULL passes: `not null` says more.
 */
const oneOf = (name: string, column: AnyPgColumn, values: readonly string[]) =>
  check(name, sql`${column} in (${sql.raw(values.map((value) => `'${value}'`).join(', '))})`);

/** Every point in time is stored with its time zone. */
const timestampTz = (name: string) => timestamp(name, { withTimezone: true });
/** A generated primary key. */
const generatedId = () => uuid('id').primaryKey().defaultRandom();
/** A reference every row must have. */
const requiredRef = (name: string, target: () => AnyPgColumn) => uuid(name).notNull().references(target);
const createdAt = () => timestampTz('created_at').notNull().defaultNow();
const updatedAt = () => timestampTz('updated_at').notNull().defaultNow();

/** Cardholders. */
export const users = pgTable(
  'users',
  {
    id: generatedId(),
    username: text('username').notNull(),
    displayName: text('display_name').notNull(),
    email: text('email').notNull(),
    state: text('state', { enum: USER_STATES }).notNull().default('active'),
    /** argon2id hash of the cardholder's self-service password, when one is set. */
    passwordHash: text('password_hash'),
    /** Wrong security answers since the last right ones; the card's profile sets the limit. */
    securityFailedAttempts: integer('security_failed_attempts').notNull().default(0),
    securityLockedAt: timestampTz('security_locked_at'),
    /**
     * Online unlock's own wrong-answer count and lock, apart from the help desk's: an attacker who knows a
     * card serial can lock online unlock for a while, never the identity check on the phone.
     */
    onlineFailedAttempts: integer('online_failed_attempts').notNull().default(0),
    onlineLockedUntil: timestampTz('online_locked_until'),
    /** How many times online unlock locked since the last right answers: each lock lasts twice the last. */
    onlineLockCount: integer('online_lock_count').notNull().default(0),
    /** The questions online unlock asks until they are answered right or a lock ends: no re-rolling. */
    onlineQuestionIds: jsonb('online_question_ids').$type<string[]>(),
    /** 'directory': created and kept up to date by directory sync (its synced fields are read-only). */
    source: text('source', { enum: ACCOUNT_SOURCES }).notNull().default('local'),
    /** The directory's stable id of the entry (objectGUID or entryUUID), never its DN. */
    directoryId: text('directory_id'),
    /** The directory (not an operator) suspended this user: re-enabling it there makes it active again. */
    suspendedByDirectory: boolean('suspended_by_directory').notNull().default(false),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('users_username_key').on(sql`lower(${t.username})`),
    uniqueIndex('users_directory_id_key')
      .on(t.directoryId)
      .where(sql`${t.directoryId} is not null`),
    oneOf('users_source_check', t.source, ACCOUNT_SOURCES),
    index('users_email_idx').on(sql`lower(${t.email})`),
    // User Lookup (see user.repository.ts): trigram indexes on the search key (db/search-key.ts) answer
    // "contains, any case" for terms of 3+ characters, the pattern_ops indexes answer prefix searches
    // of shorter ones, and the listing without a term walks users_display_name_idx instead of sorting
    // every user.
    index('users_username_search_idx')
      .using('gin', sql`${searchKey(sql`${t.username}`)} gin_trgm_ops`)
      .with({ fastupdate: false }),
    index('users_display_name_search_idx')
      .using('gin', sql`${searchKey(sql`${t.displayName}`)} gin_trgm_ops`)
      .with({ fastupdate: false }),
    index('users_email_search_idx')
      .using('gin', sql`${searchKey(sql`${t.email}`)} gin_trgm_ops`)
      .with({ fastupdate: false }),
    index('users_username_prefix_idx').on(sql`lower(${t.username}) text_pattern_ops`),
    index('users_display_name_prefix_idx').on(sql`lower(${t.displayName}) text_pattern_ops`),
    index('users_email_prefix_idx').on(sql`lower(${t.email}) text_pattern_ops`),
    index('users_display_name_idx').on(t.displayName, t.username),
    oneOf('users_state_check', t.state, USER_STATES),
  ],
);

export const profiles = pgTable(
  'profiles',
  {
    id: generatedId(),
    name: text('name').notNull(),
    description: text('description').notNull().default(''),
    operatorOfflineUnblock: boolean('operator_offline_unblock').notNull().default(false),
    selfServiceOfflineUnblock: boolean('self_service_offline_unblock').notNull().default(false),
    onlineUnlock: boolean('online_unlock').notNull().default(false),
    maxPinAttempts: integer('max_pin_attempts').notNull().default(3),
    pinMinLength: integer('pin_min_length').notNull().default(6),
    pinMaxLength: integer('pin_max_length').notNull().default(8),
    pinDigitsOnly: boolean('pin_digits_only').notNull().default(false),
    adminKeyAttemptLimit: integer('admin_key_attempt_limit').notNull().default(3),
    securityQuestionsRequired: integer('security_questions_required').notNull().default(3),
    securityQuestionsAsked: integer('security_questions_asked').notNull().default(2),
    securityMaxFailedAttempts: integer('security_max_failed_attempts').notNull().default(5),
    validateSecurityQuestions: boolean('validate_security_questions').notNull().default(false),
    /**
     * Where new cards' admin keys come from: `random` (generated or imported, sealed per card) or
     * `derived` (SP 800-108 from the profile's current master, see `masters`).
     */
    adminKeySource: text('admin_key_source', { enum: ADMIN_KEY_SOURCES }).notNull().default('random'),
    /** Self-service offline unblock and online unlock need a fresh SSO sign-in of the cardholder (docs/sso.md). */
    requireSsoStepUp: boolean('require_sso_step_up').notNull().default(false),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('profiles_name_key').on(sql`lower(${t.name})`),
    check('profiles_pin_length_check', sql`${t.pinMinLength} <= ${t.pinMaxLength}`),
    check('profiles_attempt_limit_check', sql`${t.adminKeyAttemptLimit} between 1 and 15`),
    oneOf('profiles_admin_key_source_check', t.adminKeySource, ADMIN_KEY_SOURCES),
  ],
);

export const cards = pgTable(
  'cards',
  {
    id: generatedId(),
    serial: text('serial').notNull(),
    type: text('type', { enum: CARD_TYPES }).notNull(),
    state: text('state', { enum: CARD_STATES }).notNull().default('active'),
    userId: requiredRef('user_id', () => users.id),
    profileId: requiredRef('profile_id', () => profiles.id),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('cards_serial_key').on(sql`lower(${t.serial})`),
    // Card Search and User Lookup by serial: contains (3+ characters, on the search key) and prefix.
    index('cards_serial_search_idx')
      .using('gin', sql`${searchKey(sql`${t.serial}`)} gin_trgm_ops`)
      .with({ fastupdate: false }),
    index('cards_serial_prefix_idx').on(sql`lower(${t.serial}) text_pattern_ops`),
    index('cards_user_idx').on(t.userId),
    index('cards_profile_idx').on(t.profileId),
    oneOf('cards_type_check', t.type, CARD_TYPES),
    oneOf('cards_state_check', t.state, CARD_STATES),
  ],
);

/**
 * Versioned master keys a profile derives per-card admin keys from (SP 800-108 counter mode, AES-CMAC).
 * The highest `active` version is current; rotation adds a version and retires the others, which still
 * derive the keys of the cards issued under them. `sealed` is the master under the KEK (card id-like
 * binding `cardwarden:master:<id>`); with an HSM the master stays on the token as `hsmLabel` and
 * `sealed` is null. Never the master in clear.
 */
export const masters = pgTable(
  'masters',
  {
    id: generatedId(),
    profileId: requiredRef('profile_id', () => profiles.id),
    version: integer('version').notNull(),
    algorithm: text('algorithm', { enum: MASTER_ALGORITHMS }).notNull().default('aes256'),
    sealed: text('sealed'),
    hsmLabel: text('hsm_label'),
    /** Identifies the master without revealing it: CMAC(master, "cardwarden master check v1"), 6 hex digits. */
    checkValue: text('check_value').notNull().default(''),
    state: text('state', { enum: MASTER_STATES }).notNull().default('active'),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('masters_profile_version_key').on(t.profileId, t.version),
    check('masters_version_check', sql`${t.version} >= 1`),
    check('masters_material_check', sql`${t.sealed} is not null or ${t.hsmLabel} is not null`),
    oneOf('masters_algorithm_check', t.algorithm, MASTER_ALGORITHMS),
    oneOf('masters_state_check', t.state, MASTER_STATES),
  ],
);

/**
 * One admin key per card, kept apart from the card row so that card queries never carry key material.
 * `sealed` is an AES-256-GCM envelope under the KEK with the card id as associated data; never the key.
 * `attemptsUsed` counts responses issued since the last confirmed unblock: the server's view of the
 * card's admin-key retry counter.
 */
export const adminKeys = pgTable(
  'admin_keys',
  {
    cardId: uuid('card_id')
      .primaryKey()
      .references(() => cards.id),
    algorithm: text('algorithm', { enum: ADMIN_KEY_ALGORITHMS }).notNull(),
    sealed: text('sealed').notNull(),
    kcv: text('kcv').notNull(),
    attemptsUsed: integer('attempts_used').notNull().default(0),
    /**
     * Set when the card reported a failure on its last admin-key attempt: the key is blocked on the card,
     * so the count must not be reset. A new admin key (a new row) starts unblocked.
     */
    blockedAt: timestampTz('blocked_at'),
    /** The last unblock the card itself proved (GIDS mutual authentication); starts a new 24 h budget. */
    confirmedUnblockAt: timestampTz('confirmed_unblock_at'),
    /**
     * Set for a derived key: the master (and so the version) it comes from, and the derivation
     * (`sp800-108-ctr-cmac-v1`). `sealed` is then empty: nothing per card is stored, the key is derived
     * again for each use. Null for a random key.
     */
    masterId: uuid('master_id').references(() => masters.id),
    derivation: text('derivation'),
    /**
     * Issuance's crash safety: a key written (or about to be written) to the card that the card has not
     * yet proved with one authentication. Sealed like `sealed`; promoted to the active key once proved,
     * so the server always holds whichever key the card has.
     */
    pendingAlgorithm: text('pending_algorithm', { enum: ADMIN_KEY_ALGORITHMS }),
    pendingSealed: text('pending_sealed'),
    pendingKcv: text('pending_kcv'),
    pendingSince: timestampTz('pending_since'),
    /** A pending key derived from a master (then `pendingSealed` is empty), as `masterId`/`derivation`. */
    pendingMasterId: uuid('pending_master_id').references(() => masters.id),
    pendingDerivation: text('pending_derivation'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    check('admin_keys_attempts_check', sql`${t.attemptsUsed} >= 0`),
    check('admin_keys_derivation_check', sql`(${t.derivation} is null) = (${t.masterId} is null)`),
    oneOf('admin_keys_algorithm_check', t.algorithm, ADMIN_KEY_ALGORITHMS),
    oneOf('admin_keys_pending_algorithm_check', t.pendingAlgorithm, ADMIN_KEY_ALGORITHMS),
  ],
);

/**
 * One run of `cardwarden-unlock issue` for a card: the mutual authentication in progress (R1, R2 and
 * which key the server answers with), and whether the new key was proved. A run that stops is left
 * `open`; the next run for the card takes over from it (and marks it `abandoned`).
 */
export const issuances = pgTable(
  'issuances',
  {
    id: generatedId(),
    cardId: requiredRef('card_id', () => cards.id),
    operatorId: uuid('operator_id').notNull(),
    operatorName: text('operator_name').notNull(),
    state: text('state', { enum: ISSUANCE_STATES }).notNull().default('open'),
    /** What the tool does next: authenticate, write-key, finish; done once closed. */
    step: text('step', { enum: ISSUANCE_STEPS }).notNull().default('authenticate'),
    /** Which of the card's keys the server answers the current authentication with. */
    keySlot: text('key_slot', { enum: ADMIN_KEY_SLOTS }),
    /** Key slots the card refused in this run, so each is tried once. */
    refusedSlots: jsonb('refused_slots').$type<string[]>().notNull().default([]),
    hostChallenge: text('host_challenge'),
    cardChallenge: text('card_challenge'),
    /** When the card proved the key this run (or the run it took over from) wrote. */
    keyConfirmedAt: timestampTz('key_confirmed_at'),
    createdAt: createdAt(),
    expiresAt: timestampTz('expires_at')
      .notNull()
      .default(sql`now() + interval '15 minutes'`),
    closedAt: timestampTz('closed_at'),
  },
  (t) => [
    index('issuances_card_idx').on(t.cardId, t.createdAt),
    oneOf('issuances_state_check', t.state, ISSUANCE_STATES),
    oneOf('issuances_step_check', t.step, ISSUANCE_STEPS),
    oneOf('issuances_key_slot_check', t.keySlot, ADMIN_KEY_SLOTS),
  ],
);

/**
 * Every response issued for a card, whatever outcome was reported: at most the card's attempt limit of
 * them in 24 hours without a supervisor's approval. Counted under the admin key's row lock.
 */
export const adminKeyResponses = pgTable(
  'admin_key_responses',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    cardId: requiredRef('card_id', () => cards.id),
    issuedAt: timestampTz('issued_at').notNull().defaultNow(),
    /** Issued beyond the 24 h budget on a supervisor's approval. */
    approved: boolean('approved').notNull().default(false),
  },
  (t) => [index('admin_key_responses_card_idx').on(t.cardId, t.issuedAt)],
);

export const operators = pgTable(
  'operators',
  {
    id: generatedId(),
    username: text('username').notNull(),
    passwordHash: text('password_hash').notNull(),
    role: text('role', { enum: OPERATOR_ROLES }).notNull(),
    state: text('state', { enum: OPERATOR_STATES }).notNull().default('active'),
    /** The password is a one-time password an admin reset: it works only to choose a new one. */
    mustChangePassword: boolean('must_change_password').notNull().default(false),
    /** 'directory': a staff member whose role follows directory groups and who signs in with the directory password. */
    source: text('source', { enum: ACCOUNT_SOURCES }).notNull().default('local'),
    /** The directory's stable id of the staff member's entry. */
    directoryId: text('directory_id'),
    /** Single sign-on identity `<issuer> <sub>` of a staff member created or linked by SSO sign-in. */
    ssoSubject: text('sso_subject'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('operators_username_key').on(sql`lower(${t.username})`),
    uniqueIndex('operators_directory_id_key')
      .on(t.directoryId)
      .where(sql`${t.directoryId} is not null`),
    uniqueIndex('operators_sso_subject_key')
      .on(t.ssoSubject)
      .where(sql`${t.ssoSubject} is not null`),
    oneOf('operators_source_check', t.source, ACCOUNT_SOURCES),
    oneOf('operators_role_check', t.role, OPERATOR_ROLES),
    oneOf('operators_state_check', t.state, OPERATOR_STATES),
  ],
);

/** Bearer tokens, stored as SHA-256 digests only. */
export const authTokens = pgTable(
  'auth_tokens',
  {
    id: generatedId(),
    tokenHash: text('token_hash').notNull(),
    subjectType: text('subject_type', { enum: SUBJECT_TYPES }).notNull(),
    subjectId: uuid('subject_id').notNull(),
    createdAt: createdAt(),
    expiresAt: timestampTz('expires_at').notNull(),
    revokedAt: timestampTz('revoked_at'),
    /**
     * 'second_factor': the password was right but a second factor is still owed; the token may only
     * complete or enrol one (see http/auth-guard.ts).
     */
    scope: text('scope', { enum: TOKEN_SCOPES }).notNull().default('full'),
    /** The WebAuthn challenge this session was last given, until it is answered or replaced. */
    webauthnChallenge: text('webauthn_challenge'),
  },
  (t) => [
    uniqueIndex('auth_tokens_hash_key').on(t.tokenHash),
    index('auth_tokens_subject_idx').on(t.subjectId),
    oneOf('auth_tokens_subject_type_check', t.subjectType, SUBJECT_TYPES),
    oneOf('auth_tokens_scope_check', t.scope, TOKEN_SCOPES),
  ],
);

export const offlineUnblocks = pgTable(
  'offline_unblocks',
  {
    id: generatedId(),
    cardId: requiredRef('card_id', () => cards.id),
    userId: requiredRef('user_id', () => users.id),
    /** Who started it: an operator, or the cardholder in self-service. */
    startedByType: text('started_by_type', { enum: SUBJECT_TYPES }).notNull(),
    startedById: uuid('started_by_id').notNull(),
    startedByName: text('started_by_name').notNull(),
    ticket: text('ticket'),
    state: text('state', { enum: OFFLINE_UNBLOCK_STATES }).notNull().default('open'),
    responsesIssued: integer('responses_issued').notNull().default(0),
    approvedById: uuid('approved_by_id').references(() => operators.id),
    approvedByName: text('approved_by_name'),
    approvedAt: timestampTz('approved_at'),
    /** The security questions the operator must ask, when the profile says so. */
    identityQuestionIds: jsonb('identity_question_ids').$type<string[]>().notNull().default([]),
    identityVerifiedAt: timestampTz('identity_verified_at'),
    createdAt: createdAt(),
    expiresAt: timestampTz('expires_at').notNull(),
    closedAt: timestampTz('closed_at'),
  },
  (t) => [
    index('offline_unblocks_card_idx').on(t.cardId),
    oneOf('offline_unblocks_started_by_type_check', t.startedByType, SUBJECT_TYPES),
    oneOf('offline_unblocks_state_check', t.state, OFFLINE_UNBLOCK_STATES),
  ],
);

/** The catalogue of security questions; `ownerId` marks a cardholder's own question. */
export const securityQuestions = pgTable('security_questions', {
  id: generatedId(),
  text: text('text').notNull(),
  ownerId: uuid('owner_id').references(() => users.id),
  active: boolean('active').notNull().default(true),
  createdAt: createdAt(),
});

/** A cardholder's answers, as argon2id hashes of the normalised answer only. */
export const securityAnswers = pgTable(
  'security_answers',
  {
    userId: requiredRef('user_id', () => users.id),
    questionId: requiredRef('question_id', () => securityQuestions.id),
    answerHash: text('answer_hash').notNull(),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.questionId] })],
);

/** Online unlock from a workstation: the questions asked, one response at most. */
export const onlineUnlocks = pgTable(
  'online_unlocks',
  {
    id: generatedId(),
    cardId: requiredRef('card_id', () => cards.id),
    userId: requiredRef('user_id', () => users.id),
    questionIds: jsonb('question_ids').$type<string[]>().notNull(),
    state: text('state', { enum: ONLINE_UNLOCK_STATES }).notNull().default('open'),
    clientAddress: text('client_address').notNull(),
    /** GIDS mutual authentication: the server's R1 (hex), null when the card cannot do it. */
    hostChallenge: text('host_challenge'),
    /** The card's R2 (hex), once the server has sent its cryptogram. */
    cardChallenge: text('card_challenge'),
    /** When the card's own cryptogram proved the unblock. */
    confirmedAt: timestampTz('confirmed_at'),
    createdAt: createdAt(),
    expiresAt: timestampTz('expires_at').notNull(),
    closedAt: timestampTz('closed_at'),
  },
  (t) => [
    index('online_unlocks_card_idx').on(t.cardId),
    oneOf('online_unlocks_state_check', t.state, ONLINE_UNLOCK_STATES),
  ],
);

/** Outgoing email, written in the transaction of what it reports, so none is lost; sent after commit. */
export const notifications = pgTable(
  'notifications',
  {
    id: generatedId(),
    recipient: text('recipient').notNull(),
    subject: text('subject').notNull(),
    body: text('body').notNull(),
    status: text('status', { enum: NOTIFICATION_STATUSES }).notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
    nextAttemptAt: timestampTz('next_attempt_at').notNull().defaultNow(),
    createdAt: createdAt(),
    sentAt: timestampTz('sent_at'),
  },
  (t) => [
    index('notifications_pending_idx').on(t.status, t.nextAttemptAt),
    oneOf('notifications_status_check', t.status, NOTIFICATION_STATUSES),
  ],
);

/** Append-only: a trigger in the migrations refuses UPDATE and DELETE. */
export const auditEvents = pgTable(
  'audit_events',
  {
    id: generatedId(),
    /** Insertion order across every instance; `at` alone ties within a transaction. */
    seq: bigserial('seq', { mode: 'number' }).notNull(),
    // clock_timestamp(), not now(): events written in one transaction keep their own times.
    at: timestampTz('at')
      .notNull()
      .default(sql`clock_timestamp()`),
    actor: text('actor').notNull(),
    actorType: text('actor_type', { enum: AUDIT_ACTOR_TYPES }).notNull(),
    action: text('action').notNull(),
    cardId: uuid('card_id'),
    userId: uuid('user_id'),
    sessionId: uuid('session_id'),
    ticket: text('ticket'),
    details: jsonb('details').$type<Record<string, string | number | boolean | null>>().notNull().default({}),
    /*
     * The hash chain (see the audit_events_chain trigger): set by the database on every insert, whoever
     * inserts. The defaults mark a row that was inserted with the triggers off: verify flags it.
     */
    chain: smallint('chain').notNull().default(-1),
    chainPos: bigint('chain_pos', { mode: 'number' }).notNull().default(0),
    prevHash: text('prev_hash').notNull().default(''),
    hash: text('hash').notNull().default(''),
  },
  (t) => [
    index('audit_events_seq_idx').on(t.seq),
    oneOf('audit_events_actor_type_check', t.actorType, AUDIT_ACTOR_TYPES),
    index('audit_events_chain_idx').on(t.chain, t.chainPos),
    index('audit_events_at_idx').on(t.at),
    index('audit_events_card_idx').on(t.cardId, t.at),
    index('audit_events_user_idx').on(t.userId, t.at),
    // The audit page's action filter and the directory page's "last sync".
    index('audit_events_action_idx').on(t.action, t.seq),
  ],
);

/**
 * The head of each audit hash chain: the last event's position and hash. The insert trigger locks one
 * head row per transaction, so concurrent inserts on different chains never wait for each other.
 */
export const auditChainHeads = pgTable('audit_chain_heads', {
  chain: smallint('chain').primaryKey(),
  lastPos: bigint('last_pos', { mode: 'number' }).notNull().default(0),
  lastId: uuid('last_id'),
  headHash: text('head_hash').notNull().default(''),
});

/** Fixed-window counters for rate limits, shared by every server instance. */
export const rateLimits = pgTable('rate_limits', {
  key: text('key').primaryKey(),
  windowStart: timestampTz('window_start').notNull(),
  count: integer('count').notNull(),
});

/**
 * Sign-in throttle per account and client address: each failure doubles the wait before the next try from
 * that address, so one address cannot lock an account for everyone.
 */
export const signInThrottles = pgTable('sign_in_throttles', {
  key: text('key').primaryKey(),
  failures: integer('failures').notNull().default(0),
  blockedUntil: timestampTz('blocked_until'),
  lastFailureAt: timestampTz('last_failure_at').notNull().defaultNow(),
});

/**
 * Single sign-on state in progress, shared by every server instance: sign-ins between the redirect to the
 * provider and its return, results waiting for their one exchange, step-up proofs, the unlock tool's
 * waits and ID tokens kept as logout hints. `lookup` is the SHA-256 of the random handle (never the
 * handle); `payload` holds the value sealed under the KEK with kind and lookup as associated data. Rows
 * are used up by DELETE … RETURNING, and housekeeping removes expired ones.
 */
export const ssoPending = pgTable(
  'sso_pending',
  {
    kind: text('kind').notNull(),
    lookup: text('lookup').notNull(),
    payload: jsonb('payload').$type<{ sealed: string }>().notNull(),
    expiresAt: timestampTz('expires_at').notNull(),
    createdAt: timestampTz('created_at').notNull().defaultNow(),
  },
  (table) => [
    primaryKey({ columns: [table.kind, table.lookup] }),
    index('sso_pending_expires_at_idx').on(table.expiresAt),
  ],
);

/** Small server-wide settings, such as the KEK check value. */
export const settings = pgTable('settings', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
  updatedAt: updatedAt(),
});

/**
 * An operator's TOTP authenticator (RFC 6238). The secret is sealed under the KEK, never stored in clear.
 * Until `confirmedAt` is set the enrolment is pending: the operator has not yet typed a code from it.
 */
export const operatorTotp = pgTable('operator_totp', {
  operatorId: uuid('operator_id')
    .primaryKey()
    .references(() => operators.id, { onDelete: 'cascade' }),
  sealedSecret: text('sealed_secret').notNull(),
  confirmedAt: timestampTz('confirmed_at'),
  /** The last time step a code was accepted for: the same code (or an older one) is refused. */
  lastStep: bigint('last_step', { mode: 'number' }),
  lastUsedAt: timestampTz('last_used_at'),
  createdAt: createdAt(),
});

/** An operator's WebAuthn credentials (passkeys, security keys). Public keys only. */
export const operatorPasskeys = pgTable(
  'operator_passkeys',
  {
    id: generatedId(),
    operatorId: uuid('operator_id')
      .notNull()
      .references(() => operators.id, { onDelete: 'cascade' }),
    /** The credential id, base64url. */
    credentialId: text('credential_id').notNull(),
    /** The COSE public key, base64url. */
    publicKey: text('public_key').notNull(),
    signCount: bigint('sign_count', { mode: 'number' }).notNull().default(0),
    transports: jsonb('transports').$type<string[]>().notNull().default([]),
    label: text('label').notNull().default('passkey'),
    lastUsedAt: timestampTz('last_used_at'),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('operator_passkeys_credential_key').on(t.credentialId),
    index('operator_passkeys_operator_idx').on(t.operatorId),
  ],
);

/** Single-use recovery codes, stored as SHA-256 digests (each code holds 80 random bits). */
export const operatorRecoveryCodes = pgTable(
  'operator_recovery_codes',
  {
    id: generatedId(),
    operatorId: uuid('operator_id')
      .notNull()
      .references(() => operators.id, { onDelete: 'cascade' }),
    codeHash: text('code_hash').notNull(),
    usedAt: timestampTz('used_at'),
    createdAt: createdAt(),
  },
  (t) => [index('operator_recovery_codes_operator_idx').on(t.operatorId)],
);
