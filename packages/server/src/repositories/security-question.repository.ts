import { and, asc, eq, inArray, isNull, notInArray, sql } from 'drizzle-orm';
import type { Database } from '../db/database.js';
import { securityAnswers, securityQuestions } from '../db/schema.js';

export type SecurityQuestionRecord = typeof securityQuestions.$inferSelect;

export async function insertSecurityQuestion(
  db: Database,
  question: { text: string; ownerId?: string },
): Promise<SecurityQuestionRecord> {
  const [row] = await db.insert(securityQuestions).values(question).returning();
  if (!row) throw new Error('insert returned no row');
  return row;
}

/** Arbitrary constant naming the catalogue's write lock among PostgreSQL advisory locks. */
const CATALOGUE_LOCK_ID = 0x73716361;

/** Serialises changes to the catalogue's texts until the transaction ends (for the duplicate check). */
export async function lockCatalogue(db: Database): Promise<void> {
  await db.execute(sql`select pg_advisory_xact_lock(${CATALOGUE_LOCK_ID})`);
}

/** The shared catalogue (not cardholders' own questions). */
export async function listCatalogue(db: Database, onlyActive: boolean): Promise<SecurityQuestionRecord[]> {
  return db
    .select()
    .from(securityQuestions)
    .where(
      and(isNull(securityQuestions.ownerId), onlyActive ? eq(securityQuestions.active, true) : undefined),
    )
    .orderBy(asc(securityQuestions.createdAt));
}

export async function findSecurityQuestions(db: Database, ids: string[]): Promise<SecurityQuestionRecord[]> {
  if (ids.length === 0) return [];
  return db.select().from(securityQuestions).where(inArray(securityQuestions.id, ids));
}

export async function updateSecurityQuestion(
  db: Database,
  id: string,
  changes: { text?: string | undefined; active?: boolean | undefined },
): Promise<SecurityQuestionRecord | undefined> {
  const [row] = await db
    .update(securityQuestions)
    .set(changes)
    .where(and(eq(securityQuestions.id, id), isNull(securityQuestions.ownerId)))
    .returning();
  return row;
}

export interface StoredAnswer {
  readonly questionId: string;
  readonly text: string;
  readonly custom: boolean;
  readonly answerHash: string;
  readonly createdAt: Date;
}

export async function listAnswers(db: Database, userId: string): Promise<StoredAnswer[]> {
  return db
    .select({
      questionId: securityAnswers.questionId,
      text: securityQuestions.text,
      custom: sql<boolean>`${securityQuestions.ownerId} is not null`,
      answerHash: securityAnswers.answerHash,
      createdAt: securityAnswers.createdAt,
    })
    .from(securityAnswers)
    .innerJoin(securityQuestions, eq(securityQuestions.id, securityAnswers.questionId))
    .where(eq(securityAnswers.userId, userId))
    .orderBy(asc(securityAnswers.createdAt), asc(securityQuestions.text));
}

export async function countAnswers(db: Database, userId: string): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(securityAnswers)
    .where(eq(securityAnswers.userId, userId));
  return row?.n ?? 0;
}

/** Replaces all of a cardholder's answers, and drops their own questions that no answer uses any more. */
export async function replaceAnswers(
  db: Database,
  userId: string,
  answers: { questionId: string; answerHash: string }[],
): Promise<void> {
  await db.delete(securityAnswers).where(eq(securityAnswers.userId, userId));
  await db.insert(securityAnswers).values(answers.map((answer) => ({ ...answer, userId })));
  const kept = answers.map((answer) => answer.questionId);
  await db
    .delete(securityQuestions)
    .where(
      and(
        eq(securityQuestions.ownerId, userId),
        kept.length > 0 ? notInArray(securityQuestions.id, kept) : undefined,
      ),
    );
}
