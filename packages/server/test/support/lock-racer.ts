/**
 * A child process for the lock race test. For each round i it waits until `startAt + i * interval`,
 * tries to take the lock of `<baseDir>/<i>` (where the test left a stale lock), and prints one line,
 * "won" or "lost", then "done". It keeps running (and so keeps every lock it won alive) until the test
 * closes its stdin: a racer that started late on a busy machine must still find the others alive.
 */
import { join } from 'node:path';
import { DataDirLockedError, lockDataDir } from '../../src/db/data-dir-lock.js';

const [baseDir, rounds, startAt, interval] = process.argv.slice(2);
if (!baseDir || !rounds || !startAt || !interval) {
  throw new Error('usage: lock-racer <baseDir> <rounds> <startAtMs> <intervalMs>');
}
const lines: string[] = [];
for (let round = 0; round < Number(rounds); round++) {
  const at = Number(startAt) + round * Number(interval);
  while (Date.now() < at) {
    // Spin: every racer leaves the line at the same instant.
  }
  try {
    lockDataDir(join(baseDir, String(round)), 'racer');
    lines.push('won');
  } catch (error) {
    if (!(error instanceof DataDirLockedError)) throw error;
    lines.push('lost');
  }
}
process.stdout.write(`${lines.join('\n')}\ndone\n`);
process.stdin.resume();
process.stdin.on('end', () => process.exit(0));
