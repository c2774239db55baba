import { z } from 'zod';

/** Installation-wide settings an admin changes in the console. */
export const Settings = z.object({
  offlineUnblock: z
    .boolean()
    .describe(
      'offline unblock (help desk and self-service) is allowed at all; when false, whatever the profiles say',
    ),
  emailNotifications: z
    .boolean()
    .describe('whether email notices are sent (SMTP is configured); read-only, set by CARDWARDEN_SMTP_URL'),
});
export type Settings = z.infer<typeof Settings>;

export const UpdateSettingsBody = z.object({ offlineUnblock: z.boolean() });
export type UpdateSettingsBody = z.infer<typeof UpdateSettingsBody>;
