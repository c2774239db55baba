/**
 * How long one database statement may run, for the request (or job) at hand. Routes that legitimately
 * take long (the audit export) raise it in their route config; everything else gets a few seconds, so a
 * slow or frozen database turns into a quick 503 instead of a hang.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

const budget = new AsyncLocalStorage<{ readonly statementTimeoutMs: number }>();

let defaultTimeoutMs = 5_000;

/** Sets the statement timeout used outside any {@link withStatementTimeout} (from the config, at start). */
export function setDefaultStatementTimeout(ms: number): void {
  defaultTimeoutMs = ms;
}

/** Runs `fn` with statements limited to `ms` (0: no limit, for migrations). */
export function withStatementTimeout<T>(ms: number, fn: () => T): T {
  return budget.run({ statementTimeoutMs: ms }, fn);
}

/** The statement timeout that applies here, in milliseconds (0: none). */
export function currentStatementTimeoutMs(): number {
  return budget.getStore()?.statementTimeoutMs ?? defaultTimeoutMs;
}
