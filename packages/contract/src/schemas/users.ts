import { z } from 'zod';
import { NewPassword } from './auth.js';
import { NonBlank, PageQuery, Ticket, Timestamp } from './common.js';
import { Username } from './operators.js';
import { CardSummary } from './cards.js';
import { USER_STATES } from '../enums.js';

export const UserState = z.enum(USER_STATES);
export type UserState = z.infer<typeof UserState>;

export const CreateUserBody = z.object({
  username: Username,
  displayName: NonBlank(200),
  email: z.email().max(320),
});
export type CreateUserBody = z.infer<typeof CreateUserBody>;

export const UpdateUserBody = z
  .object({ displayName: NonBlank(200), email: z.email().max(320), state: UserState })
  .partial();
export type UpdateUserBody = z.infer<typeof UpdateUserBody>;

/** What PATCH /users/{id} takes: the changes, and a ticket for the audit trail. */
export const UpdateUserWithTicketBody = UpdateUserBody.extend({ ticket: Ticket });
export type UpdateUserWithTicketBody = z.infer<typeof UpdateUserWithTicketBody>;

export const SetPasswordBody = z.object({ password: NewPassword });

export const User = z.object({
  id: z.string(),
  username: z.string(),
  displayName: z.string(),
  email: z.string(),
  state: UserState,
  selfServicePassword: z.boolean().describe('whether the cardholder has a self-service password'),
  source: z
    .enum(['local', 'directory'])
    .describe('directory: kept up to date by directory sync; username, display name and email are read-only'),
  cardCount: z.number().int(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
export type User = z.infer<typeof User>;

export const UserSearchQuery = PageQuery.extend({
  q: z
    .string()
    .trim()
    .max(200)
    .optional()
    .describe(
      'username, name, email or card serial, any case: 3 or more characters with a letter or digit match anywhere, other terms the start',
    ),
  state: UserState.optional(),
});

export const UserList = z.object({
  items: z.array(User),
  total: z.number().int().describe('matching users, counted up to 100'),
  totalCapped: z
    .boolean()
    .describe('true when more than 100 users match: `total` then stops at 100; type more to narrow it down'),
});
export type UserList = z.infer<typeof UserList>;

export const UserDetail = User.extend({
  cards: z.array(CardSummary),
  securityQuestions: z.object({
    answersSet: z.number().int(),
    failedAttempts: z
      .number()
      .int()
      .describe(
        "wrong answers since the last right ones: the larger of the help desk's and online unlock's counts",
      ),
    maxFailedAttempts: z
      .number()
      .int()
      .describe("wrong answers that lock the cardholder out: the smallest limit among their cards' profiles"),
    locked: z
      .boolean()
      .describe(
        'too many wrong answers, at the help desk or online (see the two fields below); an admin clears both',
      ),
    identityCheckLocked: z
      .boolean()
      .describe("the help desk's identity check is locked (online unlock's failures never lock it)"),
    onlineUnlockLockedUntil: Timestamp.nullable().describe(
      'online unlock is locked by wrong answers until then (it unlocks by itself), or null',
    ),
  }),
});
export type UserDetail = z.infer<typeof UserDetail>;
