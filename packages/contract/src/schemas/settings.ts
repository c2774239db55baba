import { z } from 'zod';
import { SECOND_FACTOR_ROLES } from '../enums.js';

/** Installation-wide settings an admin changes in the console. */
/** The staff roles a second-factor policy can name. */
export const SecondFactorRole = z.enum(SECOND_FACTOR_ROLES);
export type SecondFactorRole = z.infer<typeof SecondFactorRole>;

export const Settings = z.object({
  offlineUnblock: z
    .boolean()
    .describe(
      'offline unblock (help desk and self-service) is allowed at all; when false, whatever the profiles say',
    ),
  emailNotifications: z
    .boolean()
    .describe('whether email notices are sent (SMTP is configured); read-only, set by CARDWARDEN_SMTP_URL'),
  secondFactorRequiredFor: z
    .array(SecondFactorRole)
    .describe(
      'staff roles that must sign in with a second factor (TOTP or passkey); empty (the default): optional for everyone',
    ),
});
export type Settings = z.infer<typeof Settings>;

export const UpdateSettingsBody = z
  .object({
    offlineUnblock: z.boolean(),
    secondFactorRequiredFor: z.array(SecondFactorRole).max(2),
  })
  .partial()
  .refine((body) => Object.keys(body).length > 0, 'name at least one setting to change');
export type UpdateSettingsBody = z.infer<typeof UpdateSettingsBody>;
