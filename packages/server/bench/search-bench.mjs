// `npm run bench:search`: how fast User Lookup and Card Search answer at enterprise size, beside the bare
// round trip to the same server (GET /healthz) measured in the same run.
//
// Seeds (or reuses) BENCH_ROWS users and as many cards (default 1,000,000) with seed.mjs, then asks the
// HTTP API for a varied set of terms: 3-character fragments, exact usernames and serials, parts of
// serials, common terms matching hundreds of thousands of rows, terms matching nothing, and 1-2
// character prefixes. Runs on PostgreSQL when DATABASE_URL is set (use a database of its own: it is
// seeded), otherwise on the embedded PGlite. The seeded data stays under BENCH_DATA_DIR (default
// $TMPDIR/cardwarden-bench-search-<database>) for the next run; delete it (and the PostgreSQL
// database) to start again; BENCH_SEED_ONLY=1 stops after seeding. Uses the built server (npm run build).
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { CARD_TERMS, USER_TERMS } from './search-terms.mjs';
import { api, pathTo } from '@cardwarden/contract';

const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 20);
const PASSWORD = 'bench admin password';
const databaseUrl = process.env.DATABASE_URL || undefined;
const kind = databaseUrl ? 'PostgreSQL' : 'PGlite';
const dataDir =
  process.env.BENCH_DATA_DIR ??
  join(tmpdir(), `cardwarden-bench-search-${databaseUrl ? 'postgres' : 'pglite'}`);
mkdirSync(dataDir, { recursive: true, mode: 0o700 });
const main = fileURLToPath(new URL('../dist/main.js', import.meta.url));
const seed = fileURLToPath(new URL('./seed.mjs', import.meta.url));
const env = {
  ...process.env,
  HOST: '127.0.0.1',
  DATA_DIR: dataDir,
  LOG_LEVEL: 'warn',
  CARDWARDEN_ADMIN_PASSWORD: PASSWORD,
};

const freePort = () =>
  new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });

/** Starts the built server; resolves to its base URL and a stop function once /healthz answers. */
async function startServer() {
  const port = await freePort();
  const child = spawn(process.execPath, [main], {
    env: { ...env, PORT: String(port) },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const exited = new Promise((resolve) => child.on('exit', resolve));
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    try {
      if ((await fetch(`${base}/healthz`)).ok) break;
    } catch {
      if (i > 1200 || child.exitCode !== null) throw new Error('the server did not start');
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return {
    base,
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

async function call(base, method, path, body, token) {
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

const login = async (base) =>
  (await call(base, 'POST', pathTo(api.auth.login), { username: 'admin', password: PASSWORD })).token;

function percentiles(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
  return { p50: at(0.5), p99: at(0.99), max: sorted[sorted.length - 1], n: sorted.length };
}

function line(label, samples) {
  const { p50, p99, max, n } = percentiles(samples);
  console.log(
    `${label.padEnd(46)} p50 ${p50.toFixed(2).padStart(7)} ms   p99 ${p99.toFixed(2).padStart(7)} ms   max ${max
      .toFixed(2)
      .padStart(7)} ms   (n=${n})`,
  );
}

let server = await startServer();
try {
  let token = await login(server.base);
  const cards = await call(server.base, 'GET', `${pathTo(api.cards.list)}?limit=1`, undefined, token);
  if (cards.items.length === 0) {
    // The template the seed copies: a card made through the API.
    await call(server.base, 'POST', pathTo(api.profiles.create), { name: 'bench-search' }, token);
    await call(
      server.base,
      'POST',
      pathTo(api.users.create),
      { username: 'bench.template', displayName: 'Bench Template', email: 'bench.template@example.org' },
      token,
    );
    await call(
      server.base,
      'POST',
      pathTo(api.cards.create),
      {
        serial: 'BENCH-TEMPLATE-1',
        username: 'bench.template',
        profile: 'bench-search',
        type: 'gids',
        adminKey: { algorithm: '3des', generate: true },
      },
      token,
    );
  }
  // The embedded database has one owner at a time: stop the server while seeding.
  await server.stop();
  const seeded = spawn(process.execPath, [seed, '--users', String(ROWS)], { env, stdio: 'inherit' });
  const code = await new Promise((resolve) => seeded.on('exit', resolve));
  if (code !== 0) throw new Error(`seeding failed (exit ${code})`);
  if (process.env.BENCH_SEED_ONLY) process.exit(0);
  server = await startServer();
  token = await login(server.base);

  const searches = [
    ...Object.entries(USER_TERMS).flatMap(([category, terms]) =>
      terms.map((term) => ({
        what: 'User Lookup',
        category,
        path: `${pathTo(api.users.list)}?q=${encodeURIComponent(term)}&limit=20`,
        term,
      })),
    ),
    ...Object.entries(CARD_TERMS).flatMap(([category, terms]) =>
      terms.map((term) => ({
        what: 'Card Search',
        category,
        path: `${pathTo(api.cards.list)}?serial=${encodeURIComponent(term)}&limit=20`,
        term,
      })),
    ),
  ];
  // One warm-up pass: the figures are for a running server, not for its first query after a start.
  for (const search of searches) await call(server.base, 'GET', search.path, undefined, token);
  // Exact terms must find their row first: a fast wrong answer is no answer.
  for (const search of searches.filter((s) => s.category.startsWith('exact'))) {
    const answer = await call(server.base, 'GET', search.path, undefined, token);
    const first = answer.items[0];
    const found = search.what === 'User Lookup' ? first?.username : first?.serial;
    if (found?.toLowerCase() !== search.term.toLowerCase()) throw new Error(`${search.path}: not first`);
  }

  const health = [];
  const samples = new Map();
  /** Each term's slowest answer, to name what the p99 is made of. */
  const slowest = new Map();
  for (let round = 0; round < ROUNDS; round++) {
    for (const search of searches) {
      let t = performance.now();
      await call(server.base, 'GET', '/healthz');
      health.push(performance.now() - t);
      t = performance.now();
      await call(server.base, 'GET', search.path, undefined, token);
      const elapsed = performance.now() - t;
      for (const key of [search.what, `${search.what}: ${search.category}`]) {
        if (!samples.has(key)) samples.set(key, []);
        samples.get(key).push(elapsed);
      }
      const name = `${search.what} ${JSON.stringify(search.term)}`;
      slowest.set(name, Math.max(slowest.get(name) ?? 0, elapsed));
    }
  }
  const common = await call(
    server.base,
    'GET',
    `${pathTo(api.users.list)}?q=example&limit=20`,
    undefined,
    token,
  );
  console.log(
    `\nCardwarden search, ${kind}, ${ROWS.toLocaleString('en')} seeded users and cards, ${ROUNDS} rounds of ${searches.length} searches`,
  );
  console.log(`("example" answers total ${common.total}, totalCapped ${common.totalCapped})`);
  line('baseline: GET /healthz round trip', health);
  for (const what of ['User Lookup', 'Card Search']) {
    line(`${what}, all terms`, samples.get(what));
    for (const [key, values] of samples)
      if (key.startsWith(`${what}: `)) line(`  ${key.slice(what.length + 2)}`, values);
  }
  const goal = databaseUrl ? 20 : 50;
  const worst = Math.max(...['User Lookup', 'Card Search'].map((w) => percentiles(samples.get(w)).p99));
  console.log(
    `goal p99 < ${goal} ms on ${kind}: ${worst < goal ? 'met' : 'NOT met'} (worst p99 ${worst.toFixed(2)} ms)`,
  );
  console.log('slowest terms (their slowest answer):');
  for (const [name, ms] of [...slowest].sort((a, b) => b[1] - a[1]).slice(0, 6)) {
    console.log(`  ${name.padEnd(50)} ${ms.toFixed(2).padStart(8)} ms`);
  }
} finally {
  await server.stop();
}
