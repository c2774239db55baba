/**
 * The first start creates the embedded database (initdb, migrations) in a child process, so the server
 * keeps no more memory than a later start on the same directory; it says what it does meanwhile.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '@cardwarden/integration-tests/free-port';
import { CLEAN_SERVER_ENV, runProcess, SERVER_MAIN } from './support/run-process.js';

const ALLOWED_DIFFERENCE_MB = 100;

function residentMb(pid: number): number {
  const line = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!line?.[1]) throw new Error(`no VmRSS for process ${pid}`);
  return Number(line[1]) / 1024;
}

async function healthy(url: string): Promise<boolean> {
  try {
    return (await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(5000) })).status === 200;
  } catch {
    return false;
  }
}

/** Starts the built server on `dataDir`, reads its resident memory once /healthz answers, stops it. */
async function startAndMeasure(dataDir: string): Promise<{ mb: number; stderr: string }> {
  const port = await freePort();
  const server = runProcess(process.execPath, [SERVER_MAIN], {
    ...CLEAN_SERVER_ENV,
    DATA_DIR: dataDir,
    PORT: String(port),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    CARDWARDEN_ADMIN_PASSWORD: 'the first admin password',
  });
  try {
    expect(await server.until(() => healthy(`http://127.0.0.1:${port}`), 90_000), server.stderr()).toBe(true);
    const pid = server.child.pid;
    if (pid === undefined) throw new Error('the server has no process id');
    return { mb: residentMb(pid), stderr: server.stderr() };
  } finally {
    expect(await server.stop()).toBe(0);
  }
}

describe('first start of the embedded database', () => {
  const root = mkdtempSync(join(tmpdir(), 'cardwarden-first-start-memory-'));
  afterAll(() => {
    rmSync(root, { recursive: true, force: true });
  });

  it(`keeps resident memory within ${ALLOWED_DIFFERENCE_MB} MB of a later start, and says what it does`, async () => {
    const dataDir = join(root, 'data');
    const first = await startAndMeasure(dataDir);
    const restart = await startAndMeasure(dataDir);
    expect(
      Math.abs(first.mb - restart.mb),
      `first start ${first.mb.toFixed(0)} MB, restart ${restart.mb.toFixed(0)} MB`,
    ).toBeLessThan(ALLOWED_DIFFERENCE_MB);

    expect(first.stderr).toContain(`creating the embedded database in ${join(dataDir, 'pglite')}`);
    expect(first.stderr).toMatch(/created the embedded database in \d+\.\d s/);
    // Only the first start creates it.
    expect(restart.stderr).not.toContain('creating the embedded database');
  }, 240_000);
});
