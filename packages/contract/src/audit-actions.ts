/**
 * The audit vocabulary: every action the server writes to the audit log, with a label for people and
 * the schema of its details (flat values: string, number, boolean or null). The server's
 * `appendAuditEvent` takes only these actions with these details, the audit page offers them as its
 * filter, and a test parses every audit row a flow writes with them. The names are part of the
 * contract: they stay as they are (acceptance checks, exports and SIEM rules read them).
 */
import { z } from 'zod';

/** Every audit action and its label; the schema of its details is in detailShapes. */
export const AUDIT_ACTIONS = {
  // Sign-in and passwords
  'auth.login': 'Signed in',
  'auth.login_failed': 'Sign-in failed',
  'auth.login_refused': 'Sign-in refused',
  'auth.password_changed': 'Own password changed',
  'auth.password_change_failed': 'Own password change failed',
  'auth.second_factor_passed': 'Second factor passed',
  'auth.second_factor_failed': 'Second factor failed',
  'auth.sso_refused': 'Single sign-on refused',
  'auth.sso_step_up': 'Single sign-on step-up',
  // Second factor
  'second_factor.totp_enrolment_started': 'Authenticator app enrolment started',
  'second_factor.totp_enrolled': 'Authenticator app enrolled',
  'second_factor.totp_removed': 'Authenticator app removed',
  'second_factor.recovery_codes_generated': 'Recovery codes generated',
  'second_factor.recovery_code_used': 'Recovery code used',
  'second_factor.passkey_registered': 'Passkey registered',
  'second_factor.passkey_removed': 'Passkey removed',
  'second_factor.reset': 'Second factors reset by an admin',
  // Operators and cardholders
  'operator.created': 'Operator created',
  'operator.updated': 'Operator changed',
  'operator.password_reset': 'Operator password reset',
  'user.created': 'Cardholder created',
  'user.updated': 'Cardholder changed',
  'user.password_set': 'Cardholder self-service password set',
  'user.password_removed': 'Cardholder self-service password removed',
  'directory.sync_completed': 'Directory synchronised',
  // Configuration
  'profile.created': 'Card profile created',
  'profile.updated': 'Card profile changed',
  'settings.changed': 'Setting changed',
  'security_question.created': 'Security question created',
  'security_question.updated': 'Security question changed',
  'security_question.settings_changed': 'Security question settings changed',
  'security_answers.changed': 'Security answers changed',
  // Keys
  'master.created': 'Master key created',
  'master.rotated': 'Master key rotated',
  'kek.rotated': 'Key-encryption key rotated',
  'kek.moved_to_hsm': 'Key-encryption key moved to the HSM',
  // Cards
  'card.registered': 'Card registered',
  'card.updated': 'Card changed',
  'card.admin_key_attempts_reset': 'Admin-key attempt count reset',
  'card.admin_key_replaced': 'Admin key replaced',
  'import.completed': 'Cards imported',
  // Issuance
  'issuance.started': 'Issuance started',
  'issuance.authenticated': 'Issuance: card authenticated',
  'issuance.proof_invalid': 'Issuance: card proof invalid',
  'issuance.authentication_refused': 'Issuance: card refused authentication',
  'issuance.key_pending': 'Issuance: new admin key prepared',
  'issuance.key_written': 'Issuance: admin key written',
  'issuance.key_confirmed': 'Issuance: admin key confirmed',
  'issuance.completed': 'Issuance completed',
  'issuance.failed': 'Issuance failed',
  // Help-desk offline unblock
  'offline_unblock.started': 'Offline unblock started',
  'offline_unblock.approved': 'Offline unblock approved',
  'offline_unblock.response_issued': 'Offline unblock response issued',
  'offline_unblock.response_refused': 'Offline unblock response refused',
  'offline_unblock.outcome_recorded': 'Offline unblock outcome recorded',
  'offline_unblock.cancelled': 'Offline unblock cancelled',
  'identity.check_passed': 'Identity check passed',
  'identity.check_failed': 'Identity check failed',
  'identity.lockout_cleared': 'Security-answer lockout cleared',
  // Online unlock (unlock tool, sign-in screen)
  'online_unlock.refused': 'Online unlock refused',
  'online_unlock.started': 'Online unlock started',
  'online_unlock.challenge_refused': 'Online unlock challenge refused',
  'online_unlock.answers_wrong': 'Online unlock: wrong answers',
  'online_unlock.response_issued': 'Online unlock response issued',
  'online_unlock.response_refused': 'Online unlock response refused',
  'online_unlock.proof_rejected': 'Online unlock: card proof rejected',
  'online_unlock.unblock_confirmed': 'Online unlock: card confirmed the unblock',
  'online_unlock.outcome_recorded': 'Online unlock outcome recorded',
} as const;

/**
 * The shape of each action's details. Made on first use (auditDetailsSchema), never when the module
 * loads: zod schemas made at module level would put zod and every contract schema in the web app's
 * bundle, and making an object schema probes for eval, which the web app's Content-Security-Policy
 * reports as a violation. The audit page uses names and labels only.
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

/** An action the server writes to the audit log. */
export type AuditAction = keyof typeof AUDIT_ACTIONS;

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

/** Every action, in the order above (grouped by area). */
export const AUDIT_ACTION_NAMES = Object.keys(AUDIT_ACTIONS) as readonly AuditAction[];

/** The area of an action, its prefix up to and with the dot: `card.` for `card.registered`. */
export function auditActionArea(action: string): string {
  const dot = action.indexOf('.');
  return dot < 0 ? action : action.slice(0, dot + 1);
}

/** The areas of the known actions (`auth.`, `card.`…), in the order they first appear. */
export const AUDIT_ACTION_AREAS: readonly string[] = [...new Set(AUDIT_ACTION_NAMES.map(auditActionArea))];

export function isAuditAction(action: string): action is AuditAction {
  return Object.hasOwn(AUDIT_ACTIONS, action);
}

/**
 * A label for people: the action's own, or the action itself when it is not in this vocabulary (an
 * older server's row).
 *
 * @example describeAuditAction('card.registered') // 'Card registered'
 */
export function describeAuditAction(action: string): string {
  return isAuditAction(action) ? AUDIT_ACTIONS[action] : action;
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
