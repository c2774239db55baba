/** The security question catalogue (admins) and a cardholder's own answers (self-service). */
import type { MySecurityQuestions, SecurityAnswersBody, SecurityQuestion } from '@cardwarden/contract';
import { PROFILE_DEFAULTS } from '@cardwarden/contract';
import { AppError } from '../errors.js';
import { hashPassword } from '../auth/password.js';
import { appendAuditEvent } from '../repositories/audit.repository.js';
import { listCardsOfUser } from '../repositories/card.repository.js';
import {
  findSecurityQuestions,
  insertSecurityQuestion,
  listAnswers,
  listCatalogue,
  lockCatalogue,
  replaceAnswers,
  updateSecurityQuestion as updateQuestionRow,
  type SecurityQuestionRecord,
} from '../repositories/security-question.repository.js';
import { getSetting, putSetting } from '../repositories/settings.repository.js';
import { findUserById } from '../repositories/user.repository.js';
import { messages } from '../notifications/messages.en.js';
import type { Database } from '../db/database.js';
import { MIN_ANSWER_LENGTH, normalizeAnswer } from './answer-normalization.js';
import { auditActor, type CardholderActor, type OperatorActor, type ServiceContext } from './context.js';
import { lockoutStatus } from './identity.service.js';
import { iso } from './views.js';
import { afterCommit, type Transaction, type UnitOfWork } from '../db/unit-of-work.js';

const ALLOW_CUSTOM_SETTING = 'security_questions.allow_custom';

function toQuestion(question: SecurityQuestionRecord): SecurityQuestion {
  return {
    id: question.id,
    text: question.text,
    active: question.active,
    createdAt: iso(question.createdAt),
  };
}

export async function allowsCustomQuestions(db: Database): Promise<boolean> {
  return (await getSetting(db, ALLOW_CUSTOM_SETTING)) === 'true';
}

/** Two question texts are the same question when they differ only in case, spaces or Unicode form. */
export function questionKey(text: string): string {
  return text.normalize('NFKC').toLowerCase().normalize('NFKC').replace(/\s+/gu, '');
}

/** Refuses `text` when the catalogue holds the same question (other than `exceptId`), active or not. */
async function refuseDuplicate(tx: Database, text: string, exceptId?: string): Promise<void> {
  await lockCatalogue(tx);
  const key = questionKey(text);
  const same = (await listCatalogue(tx, false)).find((q) => q.id !== exceptId && questionKey(q.text) === key);
  if (same) {
    throw new AppError(
      'security_question.duplicate',
      `the catalogue has this question already: "${same.text}"${same.active ? '' : ' (retired: reactivate it instead)'}`,
    );
  }
}

export async function createSecurityQuestion(
  ctx: ServiceContext,
  tx: Transaction,
  actor: OperatorActor,
  text: string,
): Promise<SecurityQuestion> {
  await refuseDuplicate(tx, text);
  const question = await insertSecurityQuestion(tx, { text });
  await appendAuditEvent(tx, {
    ...auditActor(actor),
    action: 'security_question.created',
    details: { id: question.id, text },
  });
  return toQuestion(question);
}

export async function listSecurityQuestions(
  ctx: ServiceContext,
): Promise<{ items: SecurityQuestion[]; allowCustom: boolean }> {
  const [items, allowCustom] = await Promise.all([
    listCatalogue(ctx.db, false),
    allowsCustomQuestions(ctx.db),
  ]);
  return { items: items.map(toQuestion), allowCustom };
}

export async function updateSecurityQuestion(
  ctx: ServiceContext,
  tx: Transaction,
  actor: OperatorActor,
  id: string,
  changes: { text?: string | undefined; active?: boolean | undefined },
): Promise<SecurityQuestion> {
  if (changes.text !== undefined) await refuseDuplicate(tx, changes.text, id);
  const question = await updateQuestionRow(tx, id, changes);
  if (!question) throw new AppError('security_question.not_found', 'no catalogue question has that id');
  await appendAuditEvent(tx, {
    ...auditActor(actor),
    action: 'security_question.updated',
    details: { id, ...changes },
  });
  return toQuestion(question);
}

export async function setCustomQuestionsAllowed(
  ctx: ServiceContext,
  tx: Transaction,
  actor: OperatorActor,
  allowCustom: boolean,
): Promise<void> {
  await putSetting(tx, ALLOW_CUSTOM_SETTING, String(allowCustom));
  await appendAuditEvent(tx, {
    ...auditActor(actor),
    action: 'security_question.settings_changed',
    details: { allowCustom },
  });
}

/** The most answers any of the cardholder's card profiles requires (the default when they hold no card). */
async function requiredAnswers(db: Database, userId: string): Promise<number> {
  const cards = await listCardsOfUser(db, userId);
  if (cards.length === 0) return PROFILE_DEFAULTS.securityQuestions.required;
  return Math.max(...cards.map((card) => card.profile.securityQuestionsRequired));
}

export async function getMySecurityQuestions(
  ctx: ServiceContext,
  actor: CardholderActor,
): Promise<MySecurityQuestions> {
  const [catalogue, allowCustom, required, answers, cards] = await Promise.all([
    listCatalogue(ctx.db, true),
    allowsCustomQuestions(ctx.db),
    requiredAnswers(ctx.db, actor.id),
    listAnswers(ctx.db, actor.id),
    listCardsOfUser(ctx.db, actor.id),
  ]);
  const statuses = await Promise.all(cards.map((card) => lockoutStatus(ctx.db, actor.id, card.profile)));
  return {
    catalogue: catalogue.map((q) => ({ id: q.id, text: q.text })),
    allowCustom,
    required,
    answered: answers.map((a) => ({
      questionId: a.questionId,
      text: a.text,
      custom: a.custom,
      setAt: iso(a.createdAt),
    })),
    locked: statuses.some((status) => status.locked),
  };
}

function invalid(message: string): AppError {
  return new AppError('security_answers.invalid', message);
}

/**
 * Replaces the cardholder's answers. Answers are normalised and stored only as argon2id hashes; the
 * cardholder is told by email, in case it was not them.
 */
export async function setMySecurityAnswers(
  ctx: ServiceContext,
  uow: UnitOfWork,
  actor: CardholderActor,
  input: SecurityAnswersBody,
): Promise<void> {
  const required = await requiredAnswers(ctx.db, actor.id);
  if (input.answers.length < required)
    throw invalid(`set at least ${required} answers; you gave ${input.answers.length}`);
  const normalized = input.answers.map((entry) => normalizeAnswer(entry.answer));
  if (normalized.some((answer) => answer.length < MIN_ANSWER_LENGTH)) {
    throw invalid(`each answer needs at least ${MIN_ANSWER_LENGTH} characters`);
  }
  if (new Set(normalized).size !== normalized.length)
    throw invalid('give a different answer to each question');

  const catalogueIds = input.answers.flatMap((entry) => ('questionId' in entry ? [entry.questionId] : []));
  if (new Set(catalogueIds).size !== catalogueIds.length) throw invalid('answer each question once');
  const known = await findSecurityQuestions(ctx.db, catalogueIds);
  for (const id of catalogueIds) {
    const question = known.find((q) => q.id === id);
    if (!question || question.ownerId !== null || !question.active) {
      throw new AppError('security_question.not_found', `question ${id} is not in the catalogue`);
    }
  }
  const customCount = input.answers.length - catalogueIds.length;
  if (customCount > 0 && !(await allowsCustomQuestions(ctx.db))) {
    throw new AppError(
      'security_question.custom_not_allowed',
      'questions of your own are not allowed here; choose from the list',
    );
  }
  const hashes = await Promise.all(normalized.map((answer) => hashPassword(answer)));

  const user = await findUserById(ctx.db, actor.id);
  if (!user) throw new AppError('auth.unauthenticated', 'sign in again');
  await uow(async (tx) => {
    const rows: { questionId: string; answerHash: string }[] = [];
    for (const [i, entry] of input.answers.entries()) {
      const questionId =
        'questionId' in entry
          ? entry.questionId
          : (await insertSecurityQuestion(tx, { text: entry.customQuestion, ownerId: actor.id })).id;
      rows.push({ questionId, answerHash: hashes[i] ?? '' });
    }
    await replaceAnswers(tx, actor.id, rows);
    await appendAuditEvent(tx, {
      actor: actor.username,
      actorType: 'cardholder',
      action: 'security_answers.changed',
      userId: actor.id,
      details: { answers: rows.length, custom: customCount },
    });
    await ctx.notifier.queue(
      tx,
      user,
      messages.securityAnswersChanged({ displayName: user.displayName, at: new Date() }),
    );
    afterCommit(tx, () => {
      ctx.notifier.kick();
    });
  });
}
