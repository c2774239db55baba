// `npm run bench:first-start` (also part of `npm run bench`): resident memory of the built server after
// its first start on a new data directory (which creates the embedded database) beside a later start
// on the same directory, read from /proc/PID/status (VmRSS) once /healthz answers. Linux only.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const main = fileURLToPath(new URL('../dist/main.js', import.meta.url));
const root = mkdtempSync(join(tmpdir(), 'cardwarden-bench-first-start-'));
const dataDir = join(root, 'data');

const freePort = () =>
  new Promise((resolve) => {
    const probe = createServer();
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });

const residentMb = (pid) =>
  Number(/^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) / 1024;

async function startAndMeasure() {
  const port = await freePort();
  const env = { ...process.env, HOST: '127.0.0.1', PORT: String(port), DATA_DIR: dataDir, LOG_LEVEL: 'warn' };
  delete env.DATABASE_URL;
  env.CARDWARDEN_ADMIN_PASSWORD = 'bench admin password';
  const started = performance.now();
  const server = spawn(process.execPath, [main], { env, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  server.stderr.on('data', (chunk) => (stderr += chunk));
  const exited = new Promise((resolve) => server.on('close', resolve));
  try {
    for (;;) {
      if (server.exitCode !== null) throw new Error(`the server stopped: ${stderr}`);
      const ok = await fetch(`http://127.0.0.1:${port}/healthz`).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) break;
      if (performance.now() - started > 120_000) throw new Error(`no /healthz after 120 s: ${stderr}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    return { mb: residentMb(server.pid), seconds: (performance.now() - started) / 1000 };
  } finally {
    server.kill('SIGTERM');
    await exited;
  }
}

try {
  const first = await startAndMeasure();
  const restart = await startAndMeasure();
  console.log(
    `first-start memory (PGlite): first start ${first.mb.toFixed(0)} MB resident (ready in ${first.seconds.toFixed(1)} s), ` +
      `restart ${restart.mb.toFixed(0)} MB (ready in ${restart.seconds.toFixed(1)} s), ` +
      `difference ${(first.mb - restart.mb).toFixed(0)} MB (limit 100 MB)`,
  );
} finally {
  rmSync(root, { recursive: true, force: true });
}
