import { z } from 'zod';
import { Ticket, Timestamp } from './common.js';

export const SecurityQuestionText = z.string().trim().min(5).max(300);

export const SecurityQuestion = z.object({
  id: z.string(),
  text: z.string(),
  active: z
    .boolean()
    .describe('inactive questions are not offered for new answers; answers already set still count'),
  createdAt: Timestamp,
});
export type SecurityQuestion = z.infer<typeof SecurityQuestion>;

export const CreateSecurityQuestionBody = z.object({ text: SecurityQuestionText });
export const UpdateSecurityQuestionBody = z
  .object({ text: SecurityQuestionText, active: z.boolean() })
  .partial();

export const SecurityQuestionList = z.object({
  items: z.array(SecurityQuestion),
  allowCustom: z.boolean().describe('whether cardholders may write their own questions'),
});
export type SecurityQuestionList = z.infer<typeof SecurityQuestionList>;

export const SecurityQuestionSettings = z.object({ allowCustom: z.boolean() });
export type SecurityQuestionSettings = z.infer<typeof SecurityQuestionSettings>;

/** Clearing a cardholder's security-answer lockout: a ticket for the audit trail. */
export const ClearLockoutQuery = z.object({ ticket: Ticket });
export type ClearLockoutQuery = z.infer<typeof ClearLockoutQuery>;

/** A cardholder's answers: to catalogue questions by id, or to a question of their own (when allowed). */
export const SecurityAnswerInput = z.union([
  z.object({ questionId: z.uuid(), answer: z.string().max(500) }),
  z.object({ customQuestion: SecurityQuestionText, answer: z.string().max(500) }),
]);
export const SecurityAnswersBody = z.object({ answers: z.array(SecurityAnswerInput).min(1).max(10) });
export type SecurityAnswersBody = z.infer<typeof SecurityAnswersBody>;

/** What self-service shows on the Security questions page: never the answers. */
export const MySecurityQuestions = z.object({
  catalogue: z.array(z.object({ id: z.string(), text: z.string() })),
  allowCustom: z.boolean(),
  required: z
    .number()
    .int()
    .describe('answers needed for every card of mine (the largest of their profiles)'),
  answered: z.array(
    z.object({ questionId: z.string(), text: z.string(), custom: z.boolean(), setAt: Timestamp }),
  ),
  locked: z.boolean(),
});
export type MySecurityQuestions = z.infer<typeof MySecurityQuestions>;
