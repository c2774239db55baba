import type { PGlite } from '@electric-sql/pglite';

/**
 * Lets the event loop take a turn before each statement of the embedded database. PGlite runs a
 * statement synchronously in this thread, and its lock hands over to the next waiting statement by
 * promise: without a pause every statement queued behind the lock ran in one turn of the event loop, so
 * while many requests were at work nothing was read or answered until they all had (a `/healthz` that
 * touches no database took 600–900 ms beside 64 busy connections, 1–3 ms with the pause, for the same
 * throughput; docs/performance.md). The pause (`setImmediate`) runs after the loop's I/O polling: the
 * server reads new requests, and answers those that need no database, between statements.
 */
export function takeTurnsBetweenStatements(client: PGlite): void {
  const exclusive = client._runExclusiveQuery.bind(client);
  client._runExclusiveQuery = async <T>(fn: () => Promise<T>): Promise<T> => {
    await new Promise((resolve) => setImmediate(resolve));
    return exclusive(fn);
  };
}
