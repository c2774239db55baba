import { z } from 'zod';
import { NewPassword, OperatorRole } from './auth.js';
import { Timestamp } from './common.js';

export const OPERATOR_STATES = ['active', 'disabled'] as const;

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
  createdAt: Timestamp,
});
export type Operator = z.infer<typeof Operator>;

export const OperatorList = z.object({ items: z.array(Operator) });
export type OperatorList = z.infer<typeof OperatorList>;
