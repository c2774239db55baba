/**
 * The details of each audit action (packages/contract/src/audit-actions.ts names them): the keys a
 * call site writes, each a flat value (string, number, boolean or null), optional where it is written
 * only sometimes. The server's `appendAuditEvent` takes only these; the tests parse every audit row
 * with them.
 */
import { z } from 'zod';
import { isAuditAction, type AuditAction } from './audit-actions.js';

/**
 * The shape of each action's details, made on first use (auditDetailsSchema) rather than when the
 * module loads: making object schemas probes for eval (zod's fast path).
 */
function detailShapes() {
  const text = z.string();
  const count = z.number().int();
  const flag = z.boolean();
  /** Where a request came from (the client's address as the server sees it). */
  const address = z.string();
  const serial = z.string();
  /** A key check value (hex). */
  const kcv = z.string();
  /** An ISO 7816 status word as the card returned it (hex). */
  const statusWord = z.string();

  /** Details of a card-profile change: the columns written (only those given on update). */
  const profileValues = {
    name: text.optional(),
    description: text.optional(),
    operatorOfflineUnblock: flag.optional(),
    selfServiceOfflineUnblock: flag.optional(),
    onlineUnlock: flag.optional(),
    maxPinAttempts: count.optional(),
    pinMinLength: count.optional(),
    pinMaxLength: count.optional(),
    pinDigitsOnly: flag.optional(),
    adminKeyAttemptLimit: count.optional(),
    securityQuestionsRequired: count.optional(),
    securityQuestionsAsked: count.optional(),
    securityMaxFailedAttempts: count.optional(),
    validateSecurityQuestions: flag.optional(),
    adminKeySource: z.enum(['random', 'derived']).optional(),
    requireSsoStepUp: flag.optional(),
  };

  const kekChange = {
    resealed: count,
    resealedMasters: count,
    resealedPending: count,
    resealedTotp: count,
    oldKekId: text,
    newKekId: text,
  };

  const masterChange = {
    profileId: text,
    version: count,
    algorithm: text,
    custody: z.enum(['kek', 'hsm']),
    checkValue: kcv,
    reason: text.optional(),
  };

  return {
    // Sign-in and passwords
    'auth.login': {
      address,
      oneTimePassword: z.literal(true).optional(),
      via: z.enum(['directory', 'sso']).optional(),
    },
    'auth.login_failed': { address, portal: z.enum(['operator', 'self-service']) },
    'auth.login_refused': {
      address,
      portal: z.literal('self-service'),
      reason: z.literal('suspended'),
    },
    'auth.password_changed': {},
    'auth.password_change_failed': {},
    'auth.second_factor_passed': { method: text, address },
    'auth.second_factor_failed': {
      method: text,
      address,
      during: z.enum(['sign-in', 'enrolment']),
    },
    'auth.sso_refused': {
      address,
      reason: text,
      why: text.optional(),
      portal: z.literal('operator').optional(),
    },
    'auth.sso_step_up': { address },
    // Second factor
    'second_factor.totp_enrolment_started': {},
    'second_factor.totp_enrolled': {},
    'second_factor.totp_removed': { pending: flag },
    'second_factor.recovery_codes_generated': { count },
    'second_factor.recovery_code_used': { left: count },
    'second_factor.passkey_registered': { passkeyId: text, label: text },
    'second_factor.passkey_removed': { passkeyId: text },
    'second_factor.reset': {
      operator: text,
      operatorId: text,
      reason: text,
      totp: flag,
      passkeys: count,
    },
    // Operators and cardholders
    'operator.created': {
      operator: text.optional(),
      role: text,
      bootstrap: z.literal(true).optional(),
      via: z.literal('sso').optional(),
    },
    'operator.updated': {
      operator: text.optional(),
      role: text.optional(),
      previousRole: text.optional(),
      state: text.optional(),
      passwordChanged: z.literal(true).optional(),
      via: z.literal('sso').optional(),
    },
    'operator.password_reset': {
      operator: text,
      oneTimePassword: z.literal(true).optional(),
      local: z.literal(true).optional(),
    },
    'user.created': { username: text },
    'user.updated': {
      state: text.optional(),
      previousState: text.optional(),
      displayName: text.optional(),
      email: text.optional(),
      by: z.literal('directory sync').optional(),
    },
    'user.password_set': {},
    'user.password_removed': {},
    'directory.sync_completed': {
      created: count,
      updated: count,
      suspended: count,
      unchanged: count,
      skipped: count,
      staffCreated: count,
      staffUpdated: count,
      staffUnchanged: count,
      staffDisabled: count,
      staffSkipped: count,
      durationMs: count,
    },
    // Configuration
    'profile.created': { id: text, ...profileValues },
    'profile.updated': { id: text, profile: text, ...profileValues },
    'settings.changed': {
      setting: z.enum(['offlineUnblock', 'secondFactorRequiredFor']),
      oldValue: z.union([text, flag]),
      newValue: z.union([text, flag]),
    },
    'security_question.created': { id: text, text },
    'security_question.updated': {
      id: text,
      text: text.optional(),
      active: flag.optional(),
    },
    'security_question.settings_changed': { allowCustom: flag },
    'security_answers.changed': { answers: count, custom: count },
    // Keys
    'master.created': masterChange,
    'master.rotated': masterChange,
    'kek.rotated': {
      ...kekChange,
      oldLabel: text.optional(),
      newLabel: text.optional(),
    },
    'kek.moved_to_hsm': {
      ...kekChange,
      newLabel: text,
      token: text,
    },
    // Cards
    'card.registered': {
      serial,
      type: text,
      profile: text,
      algorithm: text,
      kcv,
      keySource: text,
      masterVersion: count.optional(),
    },
    'card.updated': {
      serial,
      state: text.optional(),
      previousState: text.optional(),
      profile: text.optional(),
      previousProfile: text.optional(),
      by: z.literal('issuance').optional(),
    },
    'card.admin_key_attempts_reset': {
      serial,
      previousAttemptsUsed: count,
      reason: text,
    },
    'card.admin_key_replaced': {
      serial,
      algorithm: text,
      kcv,
      previousKcv: kcv,
      keySource: text,
      masterVersion: count.optional(),
      reason: text,
      wasBlocked: flag,
    },
    'import.completed': {
      cards: count,
      usersCreated: count,
      usersExisting: count,
      profiles: text,
      algorithms: text,
      keySources: text,
      firstSerial: serial.nullable(),
      lastSerial: serial.nullable(),
    },
    // Issuance
    'issuance.started': {
      serial,
      profile: text,
      newCard: flag,
      keySlot: z.union([text, count]),
      takesOverFrom: text.nullable(),
      pendingKcv: kcv.nullable(),
    },
    'issuance.authenticated': {
      serial,
      keySlot: z.union([text, count]),
      kcv,
    },
    'issuance.proof_invalid': {
      serial,
      keySlot: z.union([text, count]),
    },
    'issuance.authentication_refused': {
      serial,
      keySlot: z.union([text, count]),
      statusWord,
    },
    'issuance.key_pending': {
      serial,
      algorithm: text,
      kcv,
      reused: z.literal(true).optional(),
      keySource: text.optional(),
      masterVersion: count.optional(),
    },
    'issuance.key_written': { serial, statusWord },
    'issuance.key_confirmed': { serial, kcv, previousKcv: kcv },
    'issuance.completed': {
      serial,
      profile: text,
      pinTryLimit: count,
      initialPinSet: flag,
      kcv,
      // PIV: the PUK's try limit (the profile's admin-key attempt limit) and its change from the default.
      pukTryLimit: count.optional(),
      pukSet: flag.optional(),
    },
    'issuance.failed': { serial, reason: text, statusWord: statusWord.optional() },
    // Help-desk offline unblock
    'offline_unblock.started': { serial, attemptsRemaining: count },
    'offline_unblock.approved': { startedBy: text },
    'offline_unblock.response_issued': {
      serial,
      challengeDigest: text,
      attemptsRemaining: count,
      lastAttempt: z.literal(true).optional(),
      approvedBy: text.nullable().optional(),
      beyondDailyBudget: z.literal(true).optional(),
    },
    'offline_unblock.response_refused': { reason: text },
    'offline_unblock.outcome_recorded': {
      result: text,
      responsesIssued: count,
      adminKeyBlocked: z.literal(true).optional(),
    },
    'offline_unblock.cancelled': { responsesIssued: count },
    'identity.check_passed': { questions: count },
    'identity.check_failed': { attemptsRemaining: count },
    'identity.lockout_cleared': {
      previousFailedAttempts: count,
      wasLocked: flag,
    },
    // Online unlock (unlock tool, sign-in screen)
    'online_unlock.refused': {
      reason: text.nullable(),
      address,
      serialDigest: text.optional(),
    },
    'online_unlock.started': { serial, address },
    'online_unlock.challenge_refused': { reason: text, address },
    'online_unlock.answers_wrong': {
      attemptsRemaining: count,
      address,
    },
    'online_unlock.response_issued': {
      serial,
      challengeDigest: text,
      attemptsRemaining: count,
      address,
    },
    'online_unlock.response_refused': { reason: text, address },
    'online_unlock.proof_rejected': {},
    'online_unlock.unblock_confirmed': { serial },
    'online_unlock.outcome_recorded': {
      result: text,
      adminKeyBlocked: z.literal(true).optional(),
    },
  } as const;
}

type DetailShapes = ReturnType<typeof detailShapes>;

/** Each action has its details' shape, and each shape its action (the typecheck fails otherwise). */
export const AUDIT_SHAPES_MATCH: [
  Exclude<AuditAction, keyof DetailShapes>,
  Exclude<keyof DetailShapes, AuditAction>,
] extends [never, never]
  ? true
  : never = true;

/** The schema of the details of `A`: exactly its keys (no other), each of its type. */
export type AuditDetailsSchema<A extends AuditAction> = z.ZodObject<DetailShapes[A], z.core.$strict>;

/** The details written with `A` (as the call sites build them). */
export type AuditActionDetails<A extends AuditAction> = z.input<AuditDetailsSchema<A>>;

let shapes: DetailShapes | undefined;
const detailSchemas = new Map<AuditAction, z.ZodType>();

/** The schema of the details of `action` (made once, on first use). */
export function auditDetailsSchema<A extends AuditAction>(action: A): AuditDetailsSchema<A> {
  let schema = detailSchemas.get(action);
  if (!schema) {
    shapes ??= detailShapes();
    schema = z.strictObject(shapes[action]);
    detailSchemas.set(action, schema);
  }
  return schema as AuditDetailsSchema<A>;
}

/**
 * Checks an audit row's action and details against the vocabulary: undefined when they fit, otherwise
 * what does not.
 */
export function auditEventProblem(action: string, details: unknown): string | undefined {
  if (!isAuditAction(action)) return `"${action}" is not an audit action of the vocabulary`;
  const parsed = auditDetailsSchema(action).safeParse(details);
  if (parsed.success) return undefined;
  return `${action}: ${parsed.error.issues
    .map((issue) => `${issue.path.join('.') || '(details)'}: ${issue.message}`)
    .join('; ')}`;
}
