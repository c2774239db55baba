// `npm run bench:import`: how long POST /api/v1/imports takes for BENCH_IMPORT_ROWS cards (default
// 100,000, each for a new user, each with its own AES-128 key), on the embedded PGlite and, when
// DATABASE_URL names a PostgreSQL server, on PostgreSQL too (a fresh database of its own, dropped after).
// The goal is under 30 s per database.
//
// Beside it, measured in the same run on the same kind of database, the baseline: the same rows (users,
// cards, admin keys with a sealed-looking value) written with plain multi-row INSERT statements (5,000
// rows each, values inline) into a freshly migrated database: what the database alone costs for those
// rows and their indexes, with no parsing, checking, key sealing or HTTP. Uses the built server.
import { api, pathTo, withQuery } from '@cardwarden/contract';
import { spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { createServer } from 'node:net';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { sql } from 'drizzle-orm';
import { openDatabase } from '../dist/db/connect.js';
import { withStatementTimeout } from '../dist/db/query-budget.js';

const ROWS = Number(process.env.BENCH_IMPORT_ROWS ?? 100_000);
const GOAL_SECONDS = 30;
/** BENCH_BASELINE=0 skips the baseline (the slowest part of a run). */
const BASELINE = process.env.BENCH_BASELINE !== '0';
const PASSWORD = 'bench admin password';
const PROFILE = 'bench-import';
const main = fileURLToPath(new URL('../dist/main.js', import.meta.url));

const freePort = () =>
  new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });

/** Starts the built server; resolves to its base URL and a stop function once /healthz answers. */
async function startServer(env) {
  const port = await freePort();
  // BENCH_SERVER_NODE_ARGS: extra node options for the server, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof".
  const nodeArgs = (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, main], {
    env: { ...process.env, ...env, HOST: '127.0.0.1', PORT: String(port), LOG_LEVEL: 'warn' },
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
    pid: child.pid,
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** One request with node:http (a Buffer body with its length, as the import CLI sends it). */
function call(base, method, path, body, token, headers = {}) {
  const payload =
    body === undefined ? undefined : Buffer.from(typeof body === 'object' ? JSON.stringify(body) : body);
  return new Promise((resolve, reject) => {
    const request = httpRequest(
      `${base}${path}`,
      {
        method,
        // A fresh connection each time: a kept-alive one may have been closed by the server meanwhile.
        agent: false,
        headers: {
          ...(typeof body === 'object' ? { 'content-type': 'application/json' } : {}),
          ...(token ? { authorization: `Bearer ${token}` } : {}),
          'content-length': String(payload?.length ?? 0),
          ...headers,
        },
      },
      (response) => {
        const chunks = [];
        response.on('data', (chunk) => chunks.push(chunk));
        response.on('end', () => {
          const text = Buffer.concat(chunks).toString();
          if (response.statusCode >= 300)
            reject(new Error(`${method} ${path}: ${response.statusCode} ${text.slice(0, 500)}`));
          else resolve(JSON.parse(text));
        });
      },
    );
    request.on('error', reject);
    request.end(payload);
  });
}

/** The rows of one run: unique per run, so that a database is never asked twice for the same serial. */
function makeRows(tag) {
  return Array.from({ length: ROWS }, (_, i) => ({
    username: `imp${tag}u${i}`,
    displayName: `Import User ${i}`,
    email: `imp${tag}u${i}@example.org`,
    serial: `IMP${tag}S${String(i).padStart(7, '0')}`,
    key: randomBytes(16).toString('hex'),
  }));
}

function toCsv(rows) {
  const lines = rows.map(
    (r) => `${r.username},${r.displayName},${r.email},${r.serial},gids,${PROFILE},aes128,${r.key}`,
  );
  return `username,display_name,email,serial,type,profile,algorithm,key\n${lines.join('\n')}\n`;
}

/**
 * CPU seconds a process has used (Linux /proc; 0 elsewhere). On a machine shared with other work the wall
 * time stretches, the CPU time does not: on an idle machine the import's wall time is about its CPU time
 * (the server and its database backend take turns on one request).
 */
function processCpuSeconds(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}

/** CPU seconds of the PostgreSQL backends serving database `name` (and of `pid`). */
function cpuSeconds(pid, name) {
  let sum = pid ? processCpuSeconds(pid) : process.cpuUsage().user / 1e6 + process.cpuUsage().system / 1e6;
  if (!name) return sum;
  for (const entry of readdirSync('/proc').filter((n) => /^\d+$/.test(n))) {
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(` ${name} `))
        sum += processCpuSeconds(entry);
    } catch {
      // The process ended meanwhile.
    }
  }
  return sum;
}

async function timed(fn, cpu = () => 0) {
  const cpuBefore = cpu();
  const start = performance.now();
  const result = await fn();
  return { seconds: (performance.now() - start) / 1000, cpu: cpu() - cpuBefore, result };
}

const literal = (text) => `'${text.replace(/'/g, "''")}'`;

/** The baseline: the same rows by plain multi-row INSERTs, into a freshly migrated database. */
async function baseline(target, rows, databaseName) {
  // No statement budget: the baseline is a bulk job, like the import route's raised one.
  return withStatementTimeout(0, () => baselineRun(target, rows, databaseName));
}

async function baselineRun(target, rows, databaseName) {
  const handle = await openDatabase(target);
  try {
    const [profile] = (
      await handle.db.execute(sql`insert into profiles (name) values (${PROFILE}) returning id::text as id`)
    ).rows;
    const sealed = `cw1.00000000.${randomBytes(12).toString('base64url')}.${randomBytes(32).toString('base64url')}`;
    const { seconds, cpu } = await timed(
      async () => {
        await handle.db.transaction(async (tx) => {
          await tx.execute(sql`select set_config('statement_timeout', '600s', true)`);
          for (let start = 0; start < rows.length; start += 5_000) {
            const batch = rows
              .slice(start, start + 5_000)
              .map((r) => ({ ...r, userId: randomUUID(), cardId: randomUUID() }));
            await tx.execute(
              sql.raw(
                `insert into users (id, username, display_name, email) values ${batch
                  .map(
                    (r) =>
                      `(${literal(r.userId)}, ${literal(r.username)}, ${literal(r.displayName)}, ${literal(r.email)})`,
                  )
                  .join(',')}`,
              ),
            );
            await tx.execute(
              sql.raw(
                `insert into cards (id, serial, type, user_id, profile_id) values ${batch
                  .map(
                    (r) =>
                      `(${literal(r.cardId)}, ${literal(r.serial)}, 'gids', ${literal(r.userId)}, ${literal(profile.id)})`,
                  )
                  .join(',')}`,
              ),
            );
            await tx.execute(
              sql.raw(
                `insert into admin_keys (card_id, algorithm, sealed, kcv) values ${batch
                  .map((r) => `(${literal(r.cardId)}, 'aes128', ${literal(sealed)}, 'ABCDEF')`)
                  .join(',')}`,
              ),
            );
          }
        });
      },
      () => cpuSeconds(undefined, databaseName),
    );
    return { seconds, cpu };
  } finally {
    await handle.close();
  }
}

/** A fresh PostgreSQL database on the server of `url`; drop() removes it. */
async function freshPostgres(url) {
  const name = `cardwarden_bench_import_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const own = new URL(url);
  own.pathname = `/${name}`;
  return {
    url: own.toString(),
    name,
    async drop() {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      await client.query(`drop database if exists ${name} with (force)`);
      await client.end();
    },
  };
}

async function runOn(kind) {
  const dataDir = mkdtempSync(join(tmpdir(), 'cardwarden-bench-import-'));
  const database = kind === 'PostgreSQL' ? await freshPostgres(process.env.DATABASE_URL) : undefined;
  const baselineDb =
    kind === 'PostgreSQL' && BASELINE ? await freshPostgres(process.env.DATABASE_URL) : undefined;
  const env = {
    DATA_DIR: dataDir,
    CARDWARDEN_ADMIN_PASSWORD: PASSWORD,
    DATABASE_URL: database?.url ?? '',
  };
  const server = await startServer(env);
  try {
    const { token } = await call(server.base, 'POST', pathTo(api.auth.login), {
      username: 'admin',
      password: PASSWORD,
    });
    await call(server.base, 'POST', pathTo(api.profiles.create), { name: PROFILE }, token);
    const rows = makeRows(randomBytes(3).toString('hex'));
    const csv = toCsv(rows);
    const csvHeaders = { 'content-type': 'text/csv' };
    const cpu = () => cpuSeconds(server.pid, database?.name);
    const dry = await timed(
      () =>
        call(
          server.base,
          'POST',
          withQuery(pathTo(api.imports.run), { dryRun: true }),
          csv,
          token,
          csvHeaders,
        ),
      cpu,
    );
    const real = await timed(
      () => call(server.base, 'POST', pathTo(api.imports.run), csv, token, csvHeaders),
      cpu,
    );
    if (real.result.imported.cards !== ROWS) throw new Error(`imported ${real.result.imported.cards} cards`);
    const plain = BASELINE
      ? await baseline(
          kind === 'PostgreSQL'
            ? { kind: 'postgres', url: baselineDb.url }
            : { kind: 'pglite', dir: undefined },
          rows,
          baselineDb?.name,
        )
      : undefined;
    const mb = (Buffer.byteLength(csv) / 1e6).toFixed(1);
    const verdict = real.seconds < GOAL_SECONDS ? 'meets' : 'MISSES';
    const figure = (t) => `${t.seconds.toFixed(1)} s (CPU ${t.cpu.toFixed(1)} s)`;
    console.log(
      `${kind}: import of ${ROWS.toLocaleString('en')} cards (${mb} MB, every user new) ${figure(real)}, ` +
        `${verdict} the ${GOAL_SECONDS} s goal (${Math.round(ROWS / real.seconds).toLocaleString('en')} cards/s); ` +
        `dry run ${figure(dry)}; ` +
        (plain ? `baseline, the same rows by plain multi-row INSERT: ${figure(plain)}; ` : '') +
        `load average ${loadavg()[0].toFixed(1)} on ${availableParallelism()} CPUs`,
    );
    return real.seconds < GOAL_SECONDS;
  } finally {
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
    await database?.drop();
    await baselineDb?.drop();
  }
}

const kinds = [
  ...(process.env.BENCH_ONLY === 'postgres' ? [] : ['PGlite']),
  ...(process.env.DATABASE_URL && process.env.BENCH_ONLY !== 'pglite' ? ['PostgreSQL'] : []),
];
if (!process.env.DATABASE_URL)
  console.log('PostgreSQL: skipped (set DATABASE_URL to a PostgreSQL server to run it there too)');
let ok = true;
for (const kind of kinds) ok = (await runOn(kind)) && ok;
process.exitCode = ok ? 0 : 1;
