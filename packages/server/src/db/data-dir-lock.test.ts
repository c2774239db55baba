import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hostname } from 'node:os';
import { describe, expect, it } from 'vitest';
import { DataDirLockedError, lockDataDir } from './data-dir-lock.js';

describe('lockDataDir', () => {
  it('refuses a second holder, naming the first, until it is released', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cardwarden-lock-'));
    const lock = lockDataDir(dir, 'cardwarden server');
    expect(() => lockDataDir(dir, 'rotate-kek')).toThrow(DataDirLockedError);
    expect(() => lockDataDir(dir, 'rotate-kek')).toThrow(
      `in use by "cardwarden server" (process ${process.pid}`,
    );
    lock.release();
    lockDataDir(dir, 'rotate-kek').release();
  });

  it('takes over a lock whose process is gone', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cardwarden-lock-'));
    const gone = spawnSync(process.execPath, [
      '-e',
      'process.stdout.write(String(process.pid))',
    ]).stdout.toString();
    writeFileSync(
      join(dir, 'cardwarden.lock'),
      JSON.stringify({
        pid: Number(gone),
        host: hostname(),
        command: 'killed server',
        since: new Date().toISOString(),
      }),
    );
    lockDataDir(dir, 'cardwarden server').release();
  });
});
