/**
 * PGlite has no lock between processes: two processes opening one database directory would corrupt it.
 * Whoever opens the data directory's embedded database (the server, a maintenance command) first takes
 * this lock file; a second one refuses with a message naming the holder. A lock left by a process that
 * is gone (killed, crashed) is taken over.
 *
 * Every step is atomic, so two processes can never both win, also when they race to take over the same
 * stale lock:
 * - the lock file appears with its content in one step (`link()` of a complete temporary file, which
 *   fails when the lock exists), so nobody ever reads a half-written lock;
 * - a takeover first creates (O_EXCL) a marker named after the stale lock's exact content; only the one
 *   process that created it may replace the lock, and only after re-reading it still holds that content;
 *   the replacement is a `rename()`, so the lock file never goes missing in between;
 * - the winner re-reads the lock to confirm it holds its own record.
 */
import { closeSync, linkSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { randomToken, sha256Hex } from '@cardwarden/protocol/crypto';
import { preparePrivateDir } from './private-files.js';

export class DataDirLockedError extends Error {
  override readonly name = 'DataDirLockedError';
}

export interface DataDirLock {
  release(): void;
}

interface LockRecord {
  pid: number;
  host: string;
  command: string;
  since: string;
  /** Tells this holder's record from any earlier one of the same process id. */
  nonce: string;
}

const LOCK_FILE = 'cardwarden.lock';
const ATTEMPTS = 200;

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

function parse(text: string): LockRecord | undefined {
  try {
    const record = JSON.parse(text) as Partial<LockRecord>;
    return typeof record.pid === 'number' && typeof record.host === 'string'
      ? (record as LockRecord)
      : undefined;
  } catch {
    return undefined;
  }
}

function unlinkQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // Already gone.
  }
}

function pause(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function writeExclusive(path: string, text: string): void {
  const fd = openSync(path, 'wx', 0o600);
  try {
    writeSync(fd, text);
  } finally {
    closeSync(fd);
  }
}

/** A lock left by a process that is gone (same host, no such process), or one nobody can read. */
function isStale(record: LockRecord | undefined): boolean {
  return record === undefined || (record.host === hostname() && !isAlive(record.pid));
}

/**
 * Takes over the stale lock whose content is `staleText`, installing `ours` (a complete temporary file).
 * Returns false when someone else is taking it over or already has.
 */
function takeOver(lockPath: string, staleText: string, ours: string): boolean {
  const marker = `${lockPath}.takeover-${sha256Hex(staleText).slice(0, 16)}`;
  try {
    writeExclusive(marker, String(process.pid));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  try {
    // Only the marker's creator may replace this content, so what we read now stays until we rename.
    if (readText(lockPath) !== staleText) return false;
    renameSync(ours, lockPath);
    return true;
  } finally {
    unlinkQuietly(marker);
  }
}

/** Takes the lock on `dataDir` for `command`, or throws {@link DataDirLockedError}. */
export function lockDataDir(dataDir: string, command: string): DataDirLock {
  preparePrivateDir(dataDir);
  const path = join(dataDir, LOCK_FILE);
  const record: LockRecord = {
    pid: process.pid,
    host: hostname(),
    command,
    since: new Date().toISOString(),
    nonce: randomToken(9),
  };
  const text = JSON.stringify(record);
  const temp = `${path}.${process.pid}-${record.nonce}.tmp`;
  writeExclusive(temp, text);
  try {
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      let placed = false;
      try {
        linkSync(temp, path);
        placed = true;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      if (!placed) {
        const current = readText(path);
        if (current === undefined) continue; // released a moment ago: try again
        const holder = parse(current);
        if (!isStale(holder) && holder) {
          throw new DataDirLockedError(
            `${dataDir} is in use by "${holder.command}" (process ${holder.pid} on ${holder.host}, since ${holder.since}). ` +
              'The embedded database allows one process at a time: stop that process first, or use PostgreSQL ' +
              '(DATABASE_URL) to run several.',
          );
        }
        placed = takeOver(path, current, temp);
        if (!placed) {
          pause(5);
          continue;
        }
      }
      if (readText(path) === text) return heldLock(path, text);
    }
  } finally {
    unlinkQuietly(temp);
  }
  throw new DataDirLockedError(
    `could not take the lock ${path}: if no Cardwarden process is running, remove it and any ${LOCK_FILE}.takeover-* file beside it`,
  );
}

function heldLock(path: string, text: string): DataDirLock {
  let released = false;
  return {
    release() {
      if (released) return;
      released = true;
      if (readText(path) === text) unlinkSync(path);
    },
  };
}
