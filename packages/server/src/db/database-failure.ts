/**
 * Tells a database that is down, frozen, out of disk or too slow (503: try again later) from a bug
 * (500). Both drivers' errors are recognised, also when Drizzle wraps them.
 */

/** Node socket errors of a connection that cannot be made or was lost. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENOTCONN',
]);

/** node-postgres' own messages for a connection that timed out or went away. */
const CLIENT_MESSAGES = [
  'timeout exceeded when trying to connect',
  'Query read timeout',
  'Connection terminated',
  'Client was closed and is not queryable',
  'Client has encountered a connection error and is not queryable',
  'Cannot use a pool after calling end on the pool',
  'Connection terminated unexpectedly',
];

function chain(error: unknown): unknown[] {
  const errors: unknown[] = [];
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current; depth++) {
    errors.push(current);
    current = typeof current === 'object' && 'cause' in current ? current.cause : undefined;
  }
  return errors;
}

function field(error: unknown, name: 'code' | 'message'): string {
  if (typeof error !== 'object' || error === null || !(name in error)) return '';
  const value = (error as Record<string, unknown>)[name];
  return typeof value === 'string' ? value : '';
}

/**
 * A message for people when `error` means the database cannot serve now, or undefined for any other
 * error. Disk full says so, so the administrator knows what to free.
 */
export function describeDatabaseFailure(error: unknown): string | undefined {
  for (const item of chain(error)) {
    const code = field(item, 'code');
    const message = field(item, 'message');
    if (code === 'ENOSPC' || code === '53100' || /No space left on device/i.test(message)) {
      return 'the disk of the database is full: nothing was saved. Free some space (or grow the volume), then try again.';
    }
    if (code === '57014')
      return 'the database took too long to answer (statement timeout); try again in a moment';
    // Two transactions waited for each other (the database ended one), or a serialization conflict.
    if (code === '40P01' || code === '40001')
      return 'the database was busy with a conflicting change; try again';
    if (code === '25P03') return 'a database transaction was idle too long and was ended; try again';
    // Class 08: connection exceptions; 57P01-57P03: shutting down or starting; 53: out of resources.
    if (
      /^08|^57P0[1-3]$|^53/.test(code) ||
      NETWORK_CODES.has(code) ||
      CLIENT_MESSAGES.some((m) => message.includes(m))
    ) {
      return 'the database is unavailable; try again in a moment (the server retries by itself)';
    }
  }
  return undefined;
}
