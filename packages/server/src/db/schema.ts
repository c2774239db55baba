/**
 * The database schema. Migrations are generated from it (`npm run db:generate -w packages/server`) and
 * run at start. Keep to PostgreSQL 15 SQL: PGlite is PostgreSQL 18, production may be 15.
 */
import { sql } from 'drizzle-orm';
import {
  bigserial,
  boolean,
  check,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';

const createdAt = () => timestamp('created_at', { withTimezone: true }).notNull().defaultNow();
const updatedAt = () => timestamp('updated_at', { withTimezone: true }).notNull().defaultNow();

/** Cardholders. */
export const users = pgTable(
  'users',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    username: text('username').notNull(),
    displayName: text('display_name').notNull(),
    email: text('email').notNull(),
    state: text('state', { enum: ['active', 'suspended', 'deleted'] })
      .notNull()
      .default('active'),
    /** argon2id hash of the cardholder's self-service password, when one is set. */
    passwordHash: text('password_hash'),
    /** Wrong security answers since the last right ones; the card's profile sets the limit. */
    securityFailedAttempts: integer('security_failed_attempts').notNull().default(0),
    securityLockedAt: timestamp('security_locked_at', { withTimezone: true }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('users_username_key').on(sql`lower(${t.username})`),
    index('users_email_idx').on(sql`lower(${t.email})`),
    check('users_state_check', sql`${t.state} in ('active', 'suspended', 'deleted')`),
  ],
);

export const profiles = pgTable(
  'profiles',
  {
    id: uuid('id').primaryKey().defaultRandom(),
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
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('profiles_name_key').on(sql`lower(${t.name})`),
    check('profiles_pin_length_check', sql`${t.pinMinLength} <= ${t.pinMaxLength}`),
    check('profiles_attempt_limit_check', sql`${t.adminKeyAttemptLimit} between 1 and 15`),
  ],
);

export const cards = pgTable(
  'cards',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    serial: text('serial').notNull(),
    type: text('type', { enum: ['minidriver', 'gids', 'piv'] }).notNull(),
    state: text('state', { enum: ['active', 'suspended', 'revoked'] })
      .notNull()
      .default('active'),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    profileId: uuid('profile_id')
      .notNull()
      .references(() => profiles.id),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('cards_serial_key').on(sql`lower(${t.serial})`),
    index('cards_user_idx').on(t.userId),
    index('cards_profile_idx').on(t.profileId),
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
    algorithm: text('algorithm', { enum: ['3des', 'aes128', 'aes192', 'aes256'] }).notNull(),
    sealed: text('sealed').notNull(),
    kcv: text('kcv').notNull(),
    attemptsUsed: integer('attempts_used').notNull().default(0),
    /**
     * Set when the card reported a failure on its last admin-key attempt: the key is blocked on the card,
     * so the count must not be reset. A new admin key (a new row) starts unblocked.
     */
    blockedAt: timestamp('blocked_at', { withTimezone: true }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [check('admin_keys_attempts_check', sql`${t.attemptsUsed} >= 0`)],
);

export const operators = pgTable(
  'operators',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    username: text('username').notNull(),
    passwordHash: text('password_hash').notNull(),
    role: text('role', { enum: ['admin', 'supervisor', 'operator', 'auditor'] }).notNull(),
    state: text('state', { enum: ['active', 'disabled'] })
      .notNull()
      .default('active'),
    /** The password is a one-time password an admin reset: it works only to choose a new one. */
    mustChangePassword: boolean('must_change_password').notNull().default(false),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex('operators_username_key').on(sql`lower(${t.username})`)],
);

/** Bearer tokens, stored as SHA-256 digests only. */
export const authTokens = pgTable(
  'auth_tokens',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    tokenHash: text('token_hash').notNull(),
    subjectType: text('subject_type', { enum: ['operator', 'cardholder'] }).notNull(),
    subjectId: uuid('subject_id').notNull(),
    createdAt: createdAt(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('auth_tokens_hash_key').on(t.tokenHash),
    index('auth_tokens_subject_idx').on(t.subjectId),
  ],
);

export const offlineUnblocks = pgTable(
  'offline_unblocks',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    cardId: uuid('card_id')
      .notNull()
      .references(() => cards.id),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    /** Who started it: an operator, or the cardholder in self-service. */
    startedByType: text('started_by_type', { enum: ['operator', 'cardholder'] }).notNull(),
    startedById: uuid('started_by_id').notNull(),
    startedByName: text('started_by_name').notNull(),
    ticket: text('ticket'),
    state: text('state', { enum: ['open', 'unblocked', 'failed', 'cancelled'] })
      .notNull()
      .default('open'),
    responsesIssued: integer('responses_issued').notNull().default(0),
    approvedById: uuid('approved_by_id').references(() => operators.id),
    approvedByName: text('approved_by_name'),
    approvedAt: timestamp('approved_at', { withTimezone: true }),
    /** The security questions the operator must ask, when the profile says so. */
    identityQuestionIds: jsonb('identity_question_ids').$type<string[]>().notNull().default([]),
    identityVerifiedAt: timestamp('identity_verified_at', { withTimezone: true }),
    createdAt: createdAt(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    closedAt: timestamp('closed_at', { withTimezone: true }),
  },
  (t) => [index('offline_unblocks_card_idx').on(t.cardId)],
);

/** The catalogue of security questions; `ownerId` marks a cardholder's own question. */
export const securityQuestions = pgTable('security_questions', {
  id: uuid('id').primaryKey().defaultRandom(),
  text: text('text').notNull(),
  ownerId: uuid('owner_id').references(() => users.id),
  active: boolean('active').notNull().default(true),
  createdAt: createdAt(),
});

/** A cardholder's answers, as argon2id hashes of the normalised answer only. */
export const securityAnswers = pgTable(
  'security_answers',
  {
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    questionId: uuid('question_id')
      .notNull()
      .references(() => securityQuestions.id),
    answerHash: text('answer_hash').notNull(),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.questionId] })],
);

/** Online unlock from a workstation: the questions asked, one response at most. */
export const onlineUnlocks = pgTable(
  'online_unlocks',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    cardId: uuid('card_id')
      .notNull()
      .references(() => cards.id),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    questionIds: jsonb('question_ids').$type<string[]>().notNull(),
    state: text('state', { enum: ['open', 'responded', 'unblocked', 'failed'] })
      .notNull()
      .default('open'),
    clientAddress: text('client_address').notNull(),
    createdAt: createdAt(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    closedAt: timestamp('closed_at', { withTimezone: true }),
  },
  (t) => [index('online_unlocks_card_idx').on(t.cardId)],
);

/** Outgoing email, written in the transaction of what it reports, so none is lost; sent after commit. */
export const notifications = pgTable(
  'notifications',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    recipient: text('recipient').notNull(),
    subject: text('subject').notNull(),
    body: text('body').notNull(),
    status: text('status', { enum: ['pending', 'sent', 'failed'] })
      .notNull()
      .default('pending'),
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true }).notNull().defaultNow(),
    createdAt: createdAt(),
    sentAt: timestamp('sent_at', { withTimezone: true }),
  },
  (t) => [index('notifications_pending_idx').on(t.status, t.nextAttemptAt)],
);

/** Append-only: a trigger in the migrations refuses UPDATE and DELETE. */
export const auditEvents = pgTable(
  'audit_events',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** Insertion order across every instance; `at` alone ties within a transaction. */
    seq: bigserial('seq', { mode: 'number' }).notNull(),
    // clock_timestamp(), not now(): events written in one transaction keep their own times.
    at: timestamp('at', { withTimezone: true })
      .notNull()
      .default(sql`clock_timestamp()`),
    actor: text('actor').notNull(),
    actorType: text('actor_type', { enum: ['operator', 'cardholder', 'system', 'anonymous'] }).notNull(),
    action: text('action').notNull(),
    cardId: uuid('card_id'),
    userId: uuid('user_id'),
    sessionId: uuid('session_id'),
    ticket: text('ticket'),
    details: jsonb('details').$type<Record<string, string | number | boolean | null>>().notNull().default({}),
  },
  (t) => [
    index('audit_events_seq_idx').on(t.seq),
    index('audit_events_at_idx').on(t.at),
    index('audit_events_card_idx').on(t.cardId, t.at),
    index('audit_events_user_idx').on(t.userId, t.at),
  ],
);

/** Fixed-window counters for rate limits, shared by every server instance. */
export const rateLimits = pgTable('rate_limits', {
  key: text('key').primaryKey(),
  windowStart: timestamp('window_start', { withTimezone: true }).notNull(),
  count: integer('count').notNull(),
});

/** Small server-wide settings, such as the KEK check value. */
export const settings = pgTable('settings', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
  updatedAt: updatedAt(),
});
