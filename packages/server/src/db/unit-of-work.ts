import type { Database } from './database.js';

declare const openedByUnitOfWork: unique symbol;

/**
 * The database inside one transaction opened by `inTransaction`. A service step that writes takes it
 * (`(ctx, tx: Transaction, …)`), so it cannot be handed `ctx.db` by mistake: the typecheck refuses a
 * plain `Database` there. It is a `Database` too, so repositories take it as they take the database.
 */
export type Transaction = Database & { readonly [openedByUnitOfWork]: true };

/**
 * Opens one transaction per call and runs `work` in it: what the edge (a route, the CLI, a job) hands
 * to a use case that has phases of its own outside any transaction (argon2, a statement that needs no
 * BEGIN, an audit row after a rollback), so that the caller still decides how its transactions open.
 */
export type UnitOfWork = <T>(work: (tx: Transaction) => Promise<T>) => Promise<T>;

/** Effects to run once the transaction they were registered in has committed. */
const afterCommitEffects = new WeakMap<Transaction, (() => void)[]>();

/**
 * Runs `work` in one transaction on `db` and commits it (or rolls it back when `work` throws), then runs
 * the effects `work` registered with `afterCommit`. The one place outside repositories and `src/db` that
 * opens a transaction (a lint rule keeps it so). Not inside another transaction: `db` is never one.
 *
 * @example
 * const card = await inTransaction(ctx.db, (tx) => updateCard(ctx, tx, actor, id, body));
 */
export async function inTransaction<T>(
  db: Database & { readonly [openedByUnitOfWork]?: never },
  work: (tx: Transaction) => Promise<T>,
): Promise<T> {
  const effects: (() => void)[] = [];
  const result = await db.transaction(async (opened) => {
    // Drizzle's transaction is the same query API as the database; the brand only marks who opened it.
    const tx = opened as unknown as Transaction;
    afterCommitEffects.set(tx, effects);
    try {
      return await work(tx);
    } finally {
      afterCommitEffects.delete(tx);
    }
  });
  for (const effect of effects) effect();
  return result;
}

/** A `UnitOfWork` that opens each of its transactions on `db` with `inTransaction`. */
export function unitOfWork(db: Database & { readonly [openedByUnitOfWork]?: never }): UnitOfWork {
  return (work) => inTransaction(db, work);
}

/**
 * Runs `effect` once `tx` has committed (never when it rolls back): waking the notifier for the mail
 * this transaction queued, counting a lockout it recorded. The effect must not throw.
 */
export function afterCommit(tx: Transaction, effect: () => void): void {
  const effects = afterCommitEffects.get(tx);
  if (!effects)
    throw new Error('afterCommit needs a transaction that inTransaction opened and has not ended');
  effects.push(effect);
}
