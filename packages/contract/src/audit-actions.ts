/**
 * The audit vocabulary: every action the server writes to the audit log, with a label for people and
 * the schema of its details (flat values: string, number, boolean or null). The server's
 * `appendAuditEvent` takes only these actions with these details, the audit page offers them as its
 * filter, and a test parses every audit row a flow writes with them. The names are part of the
 * contract: they stay as they are (acceptance checks, exports and SIEM rules read them).
 */
import { z } from 'zod';

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

function action<Shape extends z.ZodRawShape>(label: string, shape: Shape) {
  return { label, details: z.strictObject(shape) };
}

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

/** Every audit action, its label and the schema of its details. */
export const AUDIT_ACTIONS = {
  // Sign-in and passwords
  'auth.login': action('Signed in', {
    address,
    oneTimePassword: z.literal(true).optional(),
    via: z.enum(['directory', 'sso']).optional(),
  }),
  'auth.login_failed': action('Sign-in failed', { address, portal: z.enum(['operator', 'self-service']) }),
  'auth.login_refused': action('Sign-in refused', {
    address,
    portal: z.literal('self-service'),
    reason: z.literal('suspended'),
  }),
  'auth.password_changed': action('Own password changed', {}),
  'auth.password_change_failed': action('Own password change failed', {}),
  'auth.second_factor_passed': action('Second factor passed', { method: text, address }),
  'auth.second_factor_failed': action('Second factor failed', {
    method: text,
    address,
    during: z.enum(['sign-in', 'enrolment']),
  }),
  'auth.sso_refused': action('Single sign-on refused', {
    address,
    reason: text,
    why: text.optional(),
    portal: z.literal('operator').optional(),
  }),
  'auth.sso_step_up': action('Single sign-on step-up', { address }),

  // Second factor
  'second_factor.totp_enrolment_started': action('Authenticator app enrolment started', {}),
  'second_factor.totp_enrolled': action('Authenticator app enrolled', {}),
  'second_factor.totp_removed': action('Authenticator app removed', { pending: flag }),
  'second_factor.recovery_codes_generated': action('Recovery codes generated', { count }),
  'second_factor.recovery_code_used': action('Recovery code used', { left: count }),
  'second_factor.passkey_registered': action('Passkey registered', { passkeyId: text, label: text }),
  'second_factor.passkey_removed': action('Passkey removed', { passkeyId: text }),
  'second_factor.reset': action('Second factors reset by an admin', {
    operator: text,
    operatorId: text,
    reason: text,
    totp: flag,
    passkeys: count,
  }),

  // Operators and cardholders
  'operator.created': action('Operator created', {
    operator: text.optional(),
    role: text,
    bootstrap: z.literal(true).optional(),
    via: z.literal('sso').optional(),
  }),
  'operator.updated': action('Operator changed', {
    operator: text.optional(),
    role: text.optional(),
    previousRole: text.optional(),
    state: text.optional(),
    passwordChanged: z.literal(true).optional(),
    via: z.literal('sso').optional(),
  }),
  'operator.password_reset': action('Operator password reset', {
    operator: text,
    oneTimePassword: z.literal(true).optional(),
    local: z.literal(true).optional(),
  }),
  'user.created': action('Cardholder created', { username: text }),
  'user.updated': action('Cardholder changed', {
    state: text.optional(),
    previousState: text.optional(),
    displayName: text.optional(),
    email: text.optional(),
    by: z.literal('directory sync').optional(),
  }),
  'user.password_set': action('Cardholder self-service password set', {}),
  'user.password_removed': action('Cardholder self-service password removed', {}),
  'directory.sync_completed': action('Directory synchronised', {
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
  }),

  // Configuration
  'profile.created': action('Card profile created', { id: text, ...profileValues }),
  'profile.updated': action('Card profile changed', { id: text, profile: text, ...profileValues }),
  'settings.changed': action('Setting changed', {
    setting: z.enum(['offlineUnblock', 'secondFactorRequiredFor']),
    oldValue: z.union([text, flag]),
    newValue: z.union([text, flag]),
  }),
  'security_question.created': action('Security question created', { id: text, text }),
  'security_question.updated': action('Security question changed', {
    id: text,
    text: text.optional(),
    active: flag.optional(),
  }),
  'security_question.settings_changed': action('Security question settings changed', { allowCustom: flag }),
  'security_answers.changed': action('Security answers changed', { answers: count, custom: count }),

  // Keys
  'master.created': action('Master key created', masterChange),
  'master.rotated': action('Master key rotated', masterChange),
  'kek.rotated': action('Key-encryption key rotated', {
    ...kekChange,
    oldLabel: text.optional(),
    newLabel: text.optional(),
  }),
  'kek.moved_to_hsm': action('Key-encryption key moved to the HSM', {
    ...kekChange,
    newLabel: text,
    token: text,
  }),

  // Cards
  'card.registered': action('Card registered', {
    serial,
    type: text,
    profile: text,
    algorithm: text,
    kcv,
    keySource: text,
    masterVersion: count.optional(),
  }),
  'card.updated': action('Card changed', {
    serial,
    state: text.optional(),
    previousState: text.optional(),
    profile: text.optional(),
    previousProfile: text.optional(),
    by: z.literal('issuance').optional(),
  }),
  'card.admin_key_attempts_reset': action('Admin-key attempt count reset', {
    serial,
    previousAttemptsUsed: count,
    reason: text,
  }),
  'card.admin_key_replaced': action('Admin key replaced', {
    serial,
    algorithm: text,
    kcv,
    previousKcv: kcv,
    keySource: text,
    masterVersion: count.optional(),
    reason: text,
    wasBlocked: flag,
  }),
  'import.completed': action('Cards imported', {
    cards: count,
    usersCreated: count,
    usersExisting: count,
    profiles: text,
    algorithms: text,
    keySources: text,
    firstSerial: serial.nullable(),
    lastSerial: serial.nullable(),
  }),

  // Issuance
  'issuance.started': action('Issuance started', {
    serial,
    profile: text,
    newCard: flag,
    keySlot: z.union([text, count]),
    takesOverFrom: text.nullable(),
    pendingKcv: kcv.nullable(),
  }),
  'issuance.authenticated': action('Issuance: card authenticated', {
    serial,
    keySlot: z.union([text, count]),
    kcv,
  }),
  'issuance.proof_invalid': action('Issuance: card proof invalid', {
    serial,
    keySlot: z.union([text, count]),
  }),
  'issuance.authentication_refused': action('Issuance: card refused authentication', {
    serial,
    keySlot: z.union([text, count]),
    statusWord,
  }),
  'issuance.key_pending': action('Issuance: new admin key prepared', {
    serial,
    algorithm: text,
    kcv,
    reused: z.literal(true).optional(),
    keySource: text.optional(),
    masterVersion: count.optional(),
  }),
  'issuance.key_written': action('Issuance: admin key written', { serial, statusWord }),
  'issuance.key_confirmed': action('Issuance: admin key confirmed', { serial, kcv, previousKcv: kcv }),
  'issuance.completed': action('Issuance completed', {
    serial,
    profile: text,
    pinTryLimit: count,
    initialPinSet: flag,
    kcv,
  }),
  'issuance.failed': action('Issuance failed', { serial, reason: text, statusWord: statusWord.optional() }),

  // Help-desk offline unblock
  'offline_unblock.started': action('Offline unblock started', { serial, attemptsRemaining: count }),
  'offline_unblock.approved': action('Offline unblock approved', { startedBy: text }),
  'offline_unblock.response_issued': action('Offline unblock response issued', {
    serial,
    challengeDigest: text,
    attemptsRemaining: count,
    lastAttempt: z.literal(true).optional(),
    approvedBy: text.nullable().optional(),
    beyondDailyBudget: z.literal(true).optional(),
  }),
  'offline_unblock.response_refused': action('Offline unblock response refused', { reason: text }),
  'offline_unblock.outcome_recorded': action('Offline unblock outcome recorded', {
    result: text,
    responsesIssued: count,
    adminKeyBlocked: z.literal(true).optional(),
  }),
  'offline_unblock.cancelled': action('Offline unblock cancelled', { responsesIssued: count }),
  'identity.check_passed': action('Identity check passed', { questions: count }),
  'identity.check_failed': action('Identity check failed', { attemptsRemaining: count }),
  'identity.lockout_cleared': action('Security-answer lockout cleared', {
    previousFailedAttempts: count,
    wasLocked: flag,
  }),

  // Online unlock (unlock tool, sign-in screen)
  'online_unlock.refused': action('Online unlock refused', {
    reason: text.nullable(),
    address,
    serialDigest: text.optional(),
  }),
  'online_unlock.started': action('Online unlock started', { serial, address }),
  'online_unlock.challenge_refused': action('Online unlock challenge refused', { reason: text, address }),
  'online_unlock.answers_wrong': action('Online unlock: wrong answers', {
    attemptsRemaining: count,
    address,
  }),
  'online_unlock.response_issued': action('Online unlock response issued', {
    serial,
    challengeDigest: text,
    attemptsRemaining: count,
    address,
  }),
  'online_unlock.response_refused': action('Online unlock response refused', { reason: text, address }),
  'online_unlock.proof_rejected': action('Online unlock: card proof rejected', {}),
  'online_unlock.unblock_confirmed': action('Online unlock: card confirmed the unblock', { serial }),
  'online_unlock.outcome_recorded': action('Online unlock outcome recorded', {
    result: text,
    adminKeyBlocked: z.literal(true).optional(),
  }),
} as const;

/** An action the server writes to the audit log. */
export type AuditAction = keyof typeof AUDIT_ACTIONS;

/** The details written with `A` (as the call sites build them). */
export type AuditActionDetails<A extends AuditAction> = z.input<(typeof AUDIT_ACTIONS)[A]['details']>;

/** Every action, in the order above (grouped by area). */
export const AUDIT_ACTION_NAMES = Object.keys(AUDIT_ACTIONS) as readonly AuditAction[];

/** Schema of a known action name. */
export const AuditActionName = z.enum(AUDIT_ACTION_NAMES as [AuditAction, ...AuditAction[]]);

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
  return isAuditAction(action) ? AUDIT_ACTIONS[action].label : action;
}

/**
 * Checks an audit row's action and details against the vocabulary: undefined when they fit, otherwise
 * what does not.
 */
export function auditEventProblem(action: string, details: unknown): string | undefined {
  if (!isAuditAction(action)) return `"${action}" is not an audit action of the vocabulary`;
  const parsed = AUDIT_ACTIONS[action].details.safeParse(details);
  if (parsed.success) return undefined;
  return `${action}: ${parsed.error.issues
    .map((issue) => `${issue.path.join('.') || '(details)'}: ${issue.message}`)
    .join('; ')}`;
}
