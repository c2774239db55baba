/**
 * Checks audit rows against the contract's audit vocabulary (packages/contract/src/audit-actions.ts):
 * each action known, its details of that action's schema. Every test server runs it on the rows its
 * test wrote before it closes (test-server.ts), so each flow of the suite checks what it writes.
 */
import { auditEventProblem } from '@cardwarden/contract';
import { asc } from 'drizzle-orm';
import { auditEvents, type Database } from '@cardwarden/server';

/** What does not fit the vocabulary in the audit log of `db`, one line per kind of problem. */
export async function auditVocabularyProblems(db: Database): Promise<string[]> {
  const rows = await db
    .select({ seq: auditEvents.seq, action: auditEvents.action, details: auditEvents.details })
    .from(auditEvents)
    .orderBy(asc(auditEvents.seq));
  const problems = new Map<string, number>();
  for (const row of rows) {
    const problem = auditEventProblem(row.action, row.details);
    if (problem !== undefined && !problems.has(problem)) problems.set(problem, row.seq);
  }
  return [...problems].map(([problem, seq]) => `${problem} (first at event #${String(seq)})`);
}

/** Throws with `problems` (from auditVocabularyProblems), if any. */
export function expectNoAuditProblems(problems: readonly string[]): void {
  if (problems.length > 0) {
    throw new Error(
      `audit events outside the vocabulary (add them to packages/contract/src/audit-actions.ts):\n${problems.join('\n')}`,
    );
  }
}
