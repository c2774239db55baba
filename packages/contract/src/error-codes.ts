/**
 * Every error code the API returns, with its HTTP status. Clients (web, unlock tool) branch on and
 * translate these codes; the message that comes with each is for people.
 */
export const ERROR_CODES = {
  'request.invalid': 400,
  'request.not_found': 404,
  'request.too_large': 413,
  'request.unsupported_media_type': 415,
  'auth.unauthenticated': 401,
  'auth.invalid_credentials': 401,
  'auth.forbidden': 403,
  'auth.rate_limited': 429,
  'auth.password_too_weak': 422,
  'challenge.empty': 422,
  'challenge.bad_character': 422,
  'challenge.bad_length': 422,
  'user.not_found': 404,
  'user.username_taken': 409,
  'user.not_active': 409,
  'profile.not_found': 404,
  'profile.name_taken': 409,
  'profile.invalid_pin_rules': 422,
  'profile.invalid_security_questions': 422,
  'profile.in_use': 409,
  'card.not_found': 404,
  'card.serial_taken': 409,
  'card.not_active': 409,
  'card.invalid_admin_key': 422,
  'operator.not_found': 404,
  'operator.username_taken': 409,
  'operator.last_admin': 409,
  'offline_unblock.not_found': 404,
  'offline_unblock.use_case_disabled': 403,
  'offline_unblock.approval_required': 403,
  'offline_unblock.self_approval': 403,
  'offline_unblock.attempts_exhausted': 409,
  'offline_unblock.closed': 409,
  'offline_unblock.expired': 409,
  'offline_unblock.no_response': 409,
  'self_service.last_attempt': 409,
  'offline_unblock.identity_required': 403,
  'security_question.not_found': 404,
  'security_question.custom_not_allowed': 403,
  'security_answers.invalid': 422,
  'identity.answers_not_set': 409,
  'identity.wrong_answers': 422,
  'identity.locked': 423,
  'online_unlock.not_found': 404,
  'online_unlock.use_case_disabled': 403,
  'online_unlock.wrong_answers': 401,
  'online_unlock.last_attempt': 409,
  'online_unlock.closed': 409,
  'online_unlock.expired': 409,
  'online_unlock.rate_limited': 429,
  'internal.error': 500,
  'internal.unavailable': 503,
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export function isErrorCode(value: string): value is ErrorCode {
  return Object.hasOwn(ERROR_CODES, value);
}
