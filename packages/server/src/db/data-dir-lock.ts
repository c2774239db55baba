/**
 * PGlite has no lock between processes: two processes opening one database directory would corrupt it.
 * Whoever opens the data directory's embedded database (the server, a maintenance command) first takes
 * this lock file; a second one refuses with a message naming the holder. A lock left by a process that
 * is gone (killed, crashed) is taken over.
 */
import { closeSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';

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
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readRecord(path: string): LockRecord | undefined {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as LockRecord;
  } catch {
    return undefined;
  }
}

/** Takes the lock on `dataDir` for `command`, or throws {@link DataDirLockedError}. */
export function lockDataDir(dataDir: string, command: string): DataDirLock {
  mkdirSync(dataDir, { recursive: true });
  const path = join(dataDir, 'cardwarden.lock');
  const record: LockRecord = { pid: process.pid, host: hostname(), command, since: new Date().toISOString() };
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx', 0o600);
      writeSync(fd, JSON.stringify(record));
      closeSync(fd);
      let released = false;
      return {
        release() {
          if (released) return;
          released = true;
          if (readRecord(path)?.pid === process.pid) unlinkSync(path);
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = readRecord(path);
      const stale = holder !== undefined && holder.host === hostname() && !isAlive(holder.pid);
      if (stale || holder === undefined) {
        unlinkSync(path);
        continue;
      }
      throw new DataDirLockedError(
        `${dataDir} is in use by "${holder.command}" (process ${holder.pid} on ${holder.host}, since ${holder.since}). ` +
          'The embedded database allows one process at a time: stop that process first, or use PostgreSQL ' +
          '(DATABASE_URL) to run several.',
      );
    }
  }
  throw new DataDirLockedError(
    `could not take the lock ${path}; remove it if no Cardwarden process is running`,
  );
}
