/**
 * The audit vocabulary: every action the server writes to the audit log, with a label for people (the
 * schema of each action's details is in audit-details.ts). The server's `appendAuditEvent` takes only
 * these actions, the audit page offers them as its filter, and a test parses every audit row a flow
 * writes. The names are part of the contract: they stay as they are (acceptance checks, exports and
 * SIEM rules read them). No zod here: the web app uses this module, and zod in its bundle would probe
 * for eval, which its Content-Security-Policy reports.
 */

/** Every audit action and its label. */
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

/** An action the server writes to the audit log. */
export type AuditAction = keyof typeof AUDIT_ACTIONS;

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
