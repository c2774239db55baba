import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DataDirLockedError, lockDataDir } from './data-dir-lock.js';

const RACER = fileURLToPath(new URL('../../test/support/lock-racer.ts', import.meta.url));

function deadPid(): number {
  return Number(spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout);
}

function staleLock(dir: string, pid: number): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  writeFileSync(
    join(dir, 'cardwarden.lock'),
    JSON.stringify({ pid, host: hostname(), command: 'killed server', since: new Date().toISOString() }),
  );
}

/**
 * Starts a racer; `lines` resolves once it has raced every round, and the racer keeps its locks until
 * `finish()` closes its stdin (so no racer ever sees another one's locks as left by a dead process).
 */
function startRacer(args: string[]): { lines: Promise<string[]>; finish: () => Promise<void> } {
  const child = spawn(process.execPath, [
    '--conditions=cardwarden-source',
    '--import',
    'tsx',
    RACER,
    ...args,
  ]);
  let out = '';
  let err = '';
  const closed = new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', resolve);
  });
  const lines = new Promise<string[]>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.endsWith('done\n')) resolve(out.trim().split('\n').slice(0, -1));
    });
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    void closed.then((code) => {
      reject(new Error(`racer exited ${String(code)} before it was done: ${err}`));
    });
  });
  return {
    lines,
    finish: async () => {
      child.stdin.end();
      await closed;
    },
  };
}

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
    expect(readdirSync(dir)).toEqual([]);
  });

  it('takes over a lock whose process is gone, and an unreadable one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cardwarden-lock-'));
    staleLock(dir, deadPid());
    const lock = lockDataDir(dir, 'cardwarden server');
    expect(() => lockDataDir(dir, 'rotate-kek')).toThrow(DataDirLockedError);
    lock.release();
    writeFileSync(join(dir, 'cardwarden.lock'), '{"pid":');
    lockDataDir(dir, 'cardwarden server').release();
    expect(readdirSync(dir)).toEqual([]);
  });

  it('lets exactly one of three processes win each race to take over a stale lock', async () => {
    const base = mkdtempSync(join(tmpdir(), 'cardwarden-lock-race-'));
    const rounds = 60;
    const pid = deadPid();
    for (let round = 0; round < rounds; round++) {
      const dir = join(base, String(round));
      if (round % 4 === 3) {
        mkdirSync(dir, { mode: 0o700 });
        writeFileSync(join(dir, 'cardwarden.lock'), 'garbage left by a crash');
      } else {
        staleLock(dir, pid);
      }
    }
    // Node with tsx takes about a second to start on a busy machine.
    const args = [base, String(rounds), String(Date.now() + 4000), '25'];
    const racers = [startRacer(args), startRacer(args), startRacer(args)];
    const results = await Promise.all(racers.map((racer) => racer.lines));
    await Promise.all(racers.map((racer) => racer.finish()));
    for (let round = 0; round < rounds; round++) {
      const winners = results.filter((lines) => lines[round] === 'won').length;
      expect(winners, `round ${round}: ${results.map((r) => r[round]).join(', ')}`).toBe(1);
    }
  }, 60_000);
});
