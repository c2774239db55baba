import {
  PROFILE_DEFAULTS,
  type CreateProfileBody,
  type Profile,
  type UpdateProfileBody,
} from '@cardwarden/contract';
import { AppError, isUniqueViolation } from '../errors.js';
import { appendAuditEvent } from '../repositories/audit.repository.js';
import {
  findProfileById,
  insertProfile,
  listProfiles,
  updateProfile as updateProfileRow,
  type ProfileRecord,
  type ProfileValues,
} from '../repositories/profile.repository.js';
import type { Database } from '../db/database.js';
import { auditActor, type OperatorActor, type ServiceContext } from './context.js';
import { toProfile } from './views.js';
import type { UnitOfWork } from '../db/unit-of-work.js';

async function requireProfile(db: Database, id: string): Promise<ProfileRecord> {
  const profile = await findProfileById(db, id);
  if (!profile) throw new AppError('profile.not_found', 'no card profile has that id');
  return profile;
}

/** The columns an update or creation sets; absent fields keep their value (or the safe default). */
function toValues(input: UpdateProfileBody): Partial<ProfileValues> {
  const values: Partial<ProfileValues> = {};
  if (input.name !== undefined) values.name = input.name;
  if (input.description !== undefined) values.description = input.description;
  if (input.useCases?.operatorOfflineUnblock !== undefined)
    values.operatorOfflineUnblock = input.useCases.operatorOfflineUnblock;
  if (input.useCases?.selfServiceOfflineUnblock !== undefined)
    values.selfServiceOfflineUnblock = input.useCases.selfServiceOfflineUnblock;
  if (input.useCases?.onlineUnlock !== undefined) values.onlineUnlock = input.useCases.onlineUnlock;
  if (input.maxPinAttempts !== undefined) values.maxPinAttempts = input.maxPinAttempts;
  if (input.pinRules?.minLength !== undefined) values.pinMinLength = input.pinRules.minLength;
  if (input.pinRules?.maxLength !== undefined) values.pinMaxLength = input.pinRules.maxLength;
  if (input.pinRules?.digitsOnly !== undefined) values.pinDigitsOnly = input.pinRules.digitsOnly;
  if (input.adminKeyAttemptLimit !== undefined) values.adminKeyAttemptLimit = input.adminKeyAttemptLimit;
  if (input.adminKeySource !== undefined) values.adminKeySource = input.adminKeySource;
  const questions = input.securityQuestions;
  if (questions?.required !== undefined) values.securityQuestionsRequired = questions.required;
  if (questions?.asked !== undefined) values.securityQuestionsAsked = questions.asked;
  if (questions?.maxFailedAttempts !== undefined)
    values.securityMaxFailedAttempts = questions.maxFailedAttempts;
  if (questions?.validateInOfflineUnblock !== undefined)
    values.validateSecurityQuestions = questions.validateInOfflineUnblock;
  if (input.ssoStepUp !== undefined) values.requireSsoStepUp = input.ssoStepUp;
  return values;
}

interface CheckedFields {
  pinMinLength: number;
  pinMaxLength: number;
  securityQuestionsRequired: number;
  securityQuestionsAsked: number;
}

/** Rules that span fields: a PIN length range, and not asking more questions than cardholders answer. */
function checkConsistency(profile: CheckedFields): void {
  if (profile.pinMinLength > profile.pinMaxLength) {
    throw new AppError(
      'profile.invalid_pin_rules',
      `PIN minimum length ${profile.pinMinLength} is more than the maximum ${profile.pinMaxLength}`,
    );
  }
  if (profile.securityQuestionsAsked > profile.securityQuestionsRequired) {
    throw new AppError(
      'profile.invalid_security_questions',
      `the profile asks ${profile.securityQuestionsAsked} security questions but requires only ${profile.securityQuestionsRequired} answers`,
    );
  }
}

/** Audit details of a change: the fields set, never anything secret (profiles hold none). */
function changeDetails(values: Partial<ProfileValues>): Record<string, string | number | boolean> {
  return Object.fromEntries(Object.entries(values));
}

function nameTaken(name: string | undefined): AppError {
  return new AppError('profile.name_taken', `a card profile named "${name ?? ''}" exists already`);
}

export async function createProfile(
  ctx: ServiceContext,
  uow: UnitOfWork,
  actor: OperatorActor,
  input: CreateProfileBody,
): Promise<Profile> {
  const values = toValues(input);
  checkConsistency({
    pinMinLength: values.pinMinLength ?? PROFILE_DEFAULTS.pinRules.minLength,
    pinMaxLength: values.pinMaxLength ?? PROFILE_DEFAULTS.pinRules.maxLength,
    securityQuestionsRequired:
      values.securityQuestionsRequired ?? PROFILE_DEFAULTS.securityQuestions.required,
    securityQuestionsAsked: values.securityQuestionsAsked ?? PROFILE_DEFAULTS.securityQuestions.asked,
  });
  try {
    return await uow(async (tx) => {
      const id = await insertProfile(tx, { ...values, name: input.name });
      await appendAuditEvent(tx, {
        ...auditActor(actor),
        action: 'profile.created',
        details: { id, ...changeDetails(values) },
      });
      return toProfile(await requireProfile(tx, id));
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw nameTaken(input.name);
    throw error;
  }
}

export async function listAllProfiles(ctx: ServiceContext): Promise<Profile[]> {
  return (await listProfiles(ctx.db)).map(toProfile);
}

export async function getProfile(ctx: ServiceContext, id: string): Promise<Profile> {
  return toProfile(await requireProfile(ctx.db, id));
}

export async function updateProfile(
  ctx: ServiceContext,
  uow: UnitOfWork,
  actor: OperatorActor,
  id: string,
  input: UpdateProfileBody,
): Promise<Profile> {
  const values = toValues(input);
  try {
    return await uow(async (tx) => {
      const before = await requireProfile(tx, id);
      checkConsistency({ ...before, ...values });
      await updateProfileRow(tx, id, values);
      await appendAuditEvent(tx, {
        ...auditActor(actor),
        action: 'profile.updated',
        details: { id, profile: before.name, ...changeDetails(values) },
      });
      return toProfile(await requireProfile(tx, id));
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw nameTaken(input.name);
    throw error;
  }
}
