// `npm run bench -w packages/server`: how long the help desk waits for a response, beside the bare
// round trip to the same server (GET /healthz) measured in the same run. Uses the built server
// (npm run build) on a fresh embedded database, or PostgreSQL when DATABASE_URL is set.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 200);
const main = new URL('../dist/main.js', import.meta.url);

const port = await new Promise((resolve) => {
  const probe = createServer().listen(0, '127.0.0.1', () => {
    const { port: free } = probe.address();
    probe.close(() => resolve(free));
  });
});
const dataDir = mkdtempSync(join(tmpdir(), 'cardwarden-bench-'));
const server = spawn(process.execPath, [main.pathname], {
  env: {
    ...process.env,
    PORT: String(port),
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    LOG_LEVEL: 'warn',
    CARDWARDEN_ADMIN_PASSWORD: 'bench admin password',
  },
  stdio: ['ignore', 'ignore', 'inherit'],
});
const base = `http://127.0.0.1:${port}`;

async function call(method, path, body, token) {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: {
      ...(body ? { 'content-type': 'application/json' } : {}),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
  return text ? JSON.parse(text) : {};
}

function summary(label, samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))].toFixed(2);
  console.log(`${label.padEnd(44)} median ${at(0.5)} ms   p95 ${at(0.95)} ms   (n=${samples.length})`);
}

try {
  for (let i = 0; ; i++) {
    try {
      if ((await fetch(`${base}/healthz`)).ok) break;
    } catch {
      if (i > 240) throw new Error('server did not start');
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  const { token } = await call('POST', '/api/v1/auth/login', {
    username: 'admin',
    password: 'bench admin password',
  });
  await call(
    'POST',
    '/api/v1/profiles',
    { name: 'bench', useCases: { operatorOfflineUnblock: true } },
    token,
  );
  await call(
    'POST',
    '/api/v1/users',
    { username: 'bench', displayName: 'Bench', email: 'bench@example.org' },
    token,
  );
  const card = await call(
    'POST',
    '/api/v1/cards',
    {
      serial: 'BENCH-1',
      username: 'bench',
      profile: 'bench',
      type: 'gids',
      adminKey: { algorithm: '3des', generate: true },
    },
    token,
  );

  const health = [];
  const responses = [];
  const wholeUnblock = [];
  for (let i = 0; i < ROUNDS; i++) {
    let t = performance.now();
    await call('GET', '/healthz');
    health.push(performance.now() - t);

    const start = performance.now();
    const session = await call('POST', `/api/v1/cards/${card.id}/offline-unblocks`, {}, token);
    t = performance.now();
    await call(
      'POST',
      `/api/v1/offline-unblocks/${session.id}/response`,
      { challenge: '0557 897f 8D84-407B' },
      token,
    );
    responses.push(performance.now() - t);
    await call('POST', `/api/v1/offline-unblocks/${session.id}/outcome`, { result: 'unblocked' }, token);
    wholeUnblock.push(performance.now() - start);
  }
  console.log(
    `Cardwarden server, ${process.env.DATABASE_URL ? 'PostgreSQL' : 'embedded PGlite'}, ${ROUNDS} rounds`,
  );
  summary('baseline: GET /healthz round trip', health);
  summary('POST …/response (counted, sealed key, audit)', responses);
  summary('start + response + outcome', wholeUnblock);
} finally {
  server.kill('SIGTERM');
  await new Promise((r) => server.on('exit', r));
  rmSync(dataDir, { recursive: true, force: true });
}
