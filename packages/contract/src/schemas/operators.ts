import { z } from 'zod';
import { NewPassword, OperatorRole } from './auth.js';
import { Timestamp } from './common.js';
import { OPERATOR_STATES } from '../enums.js';

export const Username = z
  .string()
  .trim()
  .min(1)
  .max(100)
  .regex(/^[\p{L}\p{N}._@+-]+$/u, 'username may contain letters, digits and . _ @ + - only');

export const CreateOperatorBody = z.object({ username: Username, password: NewPassword, role: OperatorRole });
export type CreateOperatorBody = z.infer<typeof CreateOperatorBody>;

export const UpdateOperatorBody = z
  .object({ role: OperatorRole, state: z.enum(OPERATOR_STATES), password: NewPassword })
  .partial();
export type UpdateOperatorBody = z.infer<typeof UpdateOperatorBody>;

export const Operator = z.object({
  id: z.string(),
  username: z.string(),
  role: OperatorRole,
  state: z.enum(OPERATOR_STATES),
  mustChangePassword: z
    .boolean()
    .describe('signs in with a one-time password an admin reset, not yet changed'),
  source: z
    .enum(['local', 'directory'])
    .describe(
      'directory: signs in with the directory password; the role follows directory groups (read-only here)',
    ),
  singleSignOn: z
    .boolean()
    .describe('the account signs in with single sign-on (made or matched at its first SSO sign-in)'),
  createdAt: Timestamp,
});
export type Operator = z.infer<typeof Operator>;

export const OperatorList = z.object({ items: z.array(Operator) });
export type OperatorList = z.infer<typeof OperatorList>;

export const PasswordResetResponse = z.object({
  oneTimePassword: z
    .string()
    .describe('shown once: the operator signs in with it and must then choose a new password'),
});
export type PasswordResetResponse = z.infer<typeof PasswordResetResponse>;
