import { z } from 'zod';
import { NonBlank, Timestamp } from './common.js';
import { ADMIN_KEY_SOURCES } from '../enums.js';

export const USE_CASES = ['operatorOfflineUnblock', 'selfServiceOfflineUnblock', 'onlineUnlock'] as const;
export type UseCase = (typeof USE_CASES)[number];

export const UseCases = z.object({
  operatorOfflineUnblock: z.boolean(),
  selfServiceOfflineUnblock: z.boolean(),
  onlineUnlock: z.boolean(),
});
export type UseCases = z.infer<typeof UseCases>;

export const PinRules = z.object({
  minLength: z.number().int().min(4).max(127),
  maxLength: z.number().int().min(4).max(127),
  digitsOnly: z.boolean(),
});
export type PinRules = z.infer<typeof PinRules>;

export const SecurityQuestionPolicy = z.object({
  required: z.number().int().min(1).max(10).describe('answers a cardholder must set at least'),
  asked: z.number().int().min(1).max(10).describe('questions asked at an unlock'),
  maxFailedAttempts: z.number().int().min(1).max(20).describe('wrong answers that lock the cardholder out'),
  validateInOfflineUnblock: z
    .boolean()
    .describe('operators must check the answers before a response is issued'),
});
export type SecurityQuestionPolicy = z.infer<typeof SecurityQuestionPolicy>;

export const PROFILE_DEFAULTS = {
  useCases: { operatorOfflineUnblock: false, selfServiceOfflineUnblock: false, onlineUnlock: false },
  maxPinAttempts: 3,
  pinRules: { minLength: 6, maxLength: 8, digitsOnly: false },
  adminKeyAttemptLimit: 3,
  adminKeySource: 'random',
  securityQuestions: { required: 3, asked: 2, maxFailedAttempts: 5, validateInOfflineUnblock: false },
} as const;

/** Where new cards' admin keys come from: random per card (sealed), or derived from the profile's master. */
export const AdminKeySource = z.enum(ADMIN_KEY_SOURCES);
export type AdminKeySource = z.infer<typeof AdminKeySource>;

const ProfileFields = z.object({
  name: NonBlank(100),
  description: z.string().trim().max(1000),
  useCases: UseCases.partial(),
  maxPinAttempts: z.number().int().min(1).max(15),
  pinRules: PinRules.partial(),
  adminKeyAttemptLimit: z.number().int().min(1).max(15),
  adminKeySource: AdminKeySource.describe(
    "`random` (default): each card's key is generated or imported and sealed; `derived`: derived from the profile's current master (SP 800-108, see key-custody)",
  ),
  securityQuestions: SecurityQuestionPolicy.partial(),
  ssoStepUp: z
    .boolean()
    .describe('self-service offline unblock and online unlock need a fresh SSO sign-in of the cardholder'),
});

/** Every field but `name` is optional; use cases are off unless switched on. */
export const CreateProfileBody = ProfileFields.partial().required({ name: true });
export type CreateProfileBody = z.infer<typeof CreateProfileBody>;

export const UpdateProfileBody = ProfileFields.partial();
export type UpdateProfileBody = z.infer<typeof UpdateProfileBody>;

export const Profile = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string(),
  useCases: UseCases,
  maxPinAttempts: z.number().int(),
  pinRules: PinRules,
  adminKeyAttemptLimit: z.number().int(),
  adminKeySource: AdminKeySource,
  securityQuestions: SecurityQuestionPolicy,
  ssoStepUp: z.boolean(),
  cardCount: z.number().int(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
export type Profile = z.infer<typeof Profile>;

export const ProfileList = z.object({ items: z.array(Profile) });
export type ProfileList = z.infer<typeof ProfileList>;
