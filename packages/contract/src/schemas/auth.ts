import { z } from 'zod';
import { OPERATOR_ROLES } from '../enums.js';

export const LoginBody = z.object({
  username: z.string().trim().min(1).max(200),
  password: z.string().min(1).max(1024),
});
export type LoginBody = z.infer<typeof LoginBody>;

export const LoginResponse = z.object({
  token: z.string(),
  expiresAt: z.string(),
  mustChangePassword: z
    .boolean()
    .describe(
      'the password was reset by an admin: change it (Change password: POST …/auth/password) before anything else',
    ),
  secondFactorRequired: z
    .boolean()
    .optional()
    .describe(
      'true: the password was right but `token` is limited: it only completes a second factor ' +
        '(POST …/auth/second-factor/…) or, when `enrolmentRequired`, enrols one; absent or false: a full sign-in',
    ),
  methods: z
    .array(z.enum(['totp', 'webauthn', 'recovery_code']))
    .optional()
    .describe('the second factors this operator can complete now'),
  enrolmentRequired: z
    .boolean()
    .optional()
    .describe('the policy requires a second factor and none is enrolled: enrol one to finish signing in'),
});
export type LoginResponse = z.infer<typeof LoginResponse>;

/** `issuer` may issue and re-key cards and read their users, nothing else. */
export const OperatorRole = z.enum(OPERATOR_ROLES);
export type OperatorRole = z.infer<typeof OperatorRole>;

export const Me = z.object({
  id: z.string(),
  username: z.string(),
  role: OperatorRole,
  mustChangePassword: z
    .boolean()
    .describe('until it is changed, only this, sign-out and the password change work'),
});
export type Me = z.infer<typeof Me>;

/** Passwords people choose: long enough to resist guessing, short enough to hash quickly. */
export const NewPassword = z
  .string()
  .min(12, 'password must be at least 12 characters')
  .max(256, 'password must be at most 256 characters');

/** Changing one's own password (staff and cardholders alike). */
export const ChangePasswordBody = z.object({
  currentPassword: z.string().min(1).max(1024),
  newPassword: NewPassword,
});
export type ChangePasswordBody = z.infer<typeof ChangePasswordBody>;
