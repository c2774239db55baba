// `npm run bench:response` (part of `npm run bench`): the offline-unblock response path beside its
// ceiling, on the embedded database and, when DATABASE_URL is set, on PostgreSQL, in one run.
//
// The ceiling (response-ceiling-server.mjs) is a Fastify route doing one write transaction on the same
// kind of database: UPDATE a counter + INSERT an audit row. The same load client (node:http keep-alive
// agents, one socket per connection) drives both: 64 connections, then one. Cardwarden runs the help
// desk's cycle, start → response → outcome "unblocked", on cards whose profile has adminKeyAttemptLimit
// 15; each successful request counts as one write. A card is used for at most 14 responses, so its 24 h
// response budget (15 without a supervisor's approval, issue 9) never refuses.
//
// Goals (issue 11): at 64 connections, Cardwarden's writes/s ≥ 60 % of the ceiling's and its p99 ≤ 2 × the
// ceiling's; POST …/response at one connection p99 < 5 ms.
//
// BENCH_SECONDS (default 10) per phase at 64 connections (half of it at one connection), in BENCH_SLICES (5)
// alternating slices,
// BENCH_CONNECTIONS (64), BENCH_CARDS (cards created for the run; default from BENCH_SECONDS),
// BENCH_DATABASES=pglite,postgres to choose. PostgreSQL: DATABASE_URL names a server where the bench
// may create (and drops again) two databases of its own.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import pg from 'pg';
import { api, pathTo } from '@cardwarden/contract';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 64);
const CARDS = Number(process.env.BENCH_CARDS ?? Math.max(300, Math.ceil(SECONDS * 250)));
const RESPONSES_PER_CARD = 14;
const SLICES = Number(process.env.BENCH_SLICES ?? 5);
const CHALLENGE = '0557 897f 8D84-407B';
const databases = (process.env.BENCH_DATABASES ?? (process.env.DATABASE_URL ? 'pglite,postgres' : 'pglite'))
  .split(',')
  .map((d) => d.trim())
  .filter(Boolean);
const main = new URL('../dist/main.js', import.meta.url).pathname;
const ceilingScript = new URL('./response-ceiling-server.mjs', import.meta.url).pathname;

/** A tiny HTTP/1.1 client over keep-alive sockets: one agent per phase, one socket per connection. */
function client(port, connections) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections, maxFreeSockets: connections });
  // The server closes a keep-alive socket idle for 5 s; a request sent on it just then never reached the
  // server and is sent again (Node's documented pattern, `reusedSocket`).
  const request = (method, path, body, token, retry = true) =>
    new Promise((resolve, reject) => {
      const payload = body === undefined ? undefined : JSON.stringify(body);
      const req = http.request(
        {
          host: '127.0.0.1',
          port,
          method,
          path,
          agent,
          headers: {
            ...(payload === undefined
              ? {}
              : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) }),
            ...(token ? { authorization: `Bearer ${token}` } : {}),
          },
        },
        (res) => {
          const chunks = [];
          res.on('data', (c) => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString();
            resolve({ status: res.statusCode, body: text ? JSON.parse(text) : {} });
          });
          res.on('error', reject);
        },
      );
      req.on('error', (error) => {
        if (retry && req.reusedSocket && error.code === 'ECONNRESET') {
          resolve(request(method, path, body, token, false));
        } else reject(error);
      });
      req.end(payload);
    });
  return { request, close: () => agent.destroy() };
}

async function ok(request, method, path, body, token) {
  const { status, body: answer } = await request(method, path, body, token);
  if (status >= 300) throw new Error(`${method} ${path}: ${status} ${JSON.stringify(answer)}`);
  return answer;
}

/**
 * Runs `connections` workers for `seconds`; each repeats `step(request, worker)`, which returns the
 * latencies (ms) of the successful requests it made, or throws on a failed one (counted, the run goes on).
 */
async function drive(port, connections, seconds, step) {
  const { request, close } = client(port, connections);
  const samples = [];
  let failures = 0;
  let firstFailure;
  const timed = async (method, path, body, token) => {
    const t = performance.now();
    const answer = await ok(request, method, path, body, token);
    return { answer, ms: performance.now() - t };
  };
  const started = performance.now();
  const end = started + seconds * 1000;
  await Promise.all(
    Array.from({ length: connections }, async (_, worker) => {
      while (performance.now() < end) {
        try {
          await step(timed, worker, samples);
        } catch (error) {
          failures++;
          firstFailure ??= error;
        }
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  close();
  return { samples, failures, firstFailure, elapsed, perSecond: samples.length / elapsed };
}

/** The slices of one phase as one result. */
function merge(slices) {
  const samples = slices.flatMap((r) => r.samples);
  const elapsed = slices.reduce((sum, r) => sum + r.elapsed, 0);
  return {
    samples,
    failures: slices.reduce((sum, r) => sum + r.failures, 0),
    firstFailure: slices.find((r) => r.firstFailure)?.firstFailure,
    cpu: {
      server: slices.reduce((sum, r) => sum + (r.cpu?.server ?? 0), 0),
      serverSystem: slices.reduce((sum, r) => sum + (r.cpu?.serverSystem ?? 0), 0),
      database: slices.reduce((sum, r) => sum + (r.cpu?.database ?? 0), 0),
      client: slices.reduce((sum, r) => sum + (r.cpu?.client ?? 0), 0),
    },
    elapsed,
    perSecond: samples.length / elapsed,
  };
}

/** CPU seconds (user + system, every thread) a process has used so far; 0 once it is gone. */
function cpuSeconds(pid) {
  const { user, system } = cpuTimes(pid);
  return user + system;
}

/** User and system CPU seconds of a process so far (zeros once it is gone). */
function cpuTimes(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { user: Number(fields[11]) / 100, system: Number(fields[12]) / 100 };
  } catch {
    return { user: 0, system: 0 };
  }
}

/** The PostgreSQL cluster's processes: the postmaster of a backend of `url`'s database and its children. */
async function clusterProcesses(url) {
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  let postmaster;
  try {
    const { rows } = await admin.query('select pg_backend_pid() as pid');
    const stat = readFileSync(`/proc/${rows[0].pid}/stat`, 'utf8');
    postmaster = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } finally {
    await admin.end();
  }
  return () => {
    const pids = [postmaster];
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
        if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === postmaster)
          pids.push(Number(entry));
      } catch {
        // gone meanwhile
      }
    }
    return pids;
  };
}

/**
 * Where the CPU of a slice went: the server's process, the database cluster's processes (PostgreSQL;
 * for PGlite the database runs inside the server) and this load client, as seconds used during it.
 */
async function measuringCpu(serverPid, databasePids, run) {
  const database = () => (databasePids ? databasePids().reduce((sum, pid) => sum + cpuSeconds(pid), 0) : 0);
  const before = { server: cpuTimes(serverPid), database: database(), client: process.cpuUsage() };
  const result = await run();
  const client = process.cpuUsage(before.client);
  const server = cpuTimes(serverPid);
  result.cpu = {
    server: server.user + server.system - before.server.user - before.server.system,
    serverSystem: server.system - before.server.system,
    database: database() - before.database,
    client: (client.user + client.system) / 1e6,
  };
  return result;
}

function percentile(samples, q) {
  if (samples.length === 0) return NaN;
  const sorted = Float64Array.from(samples).sort();
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

async function freeDatabase(url, name) {
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    await admin.query(`drop database if exists ${name} with (force)`);
    await admin.query(`create database ${name}`);
  } finally {
    await admin.end();
  }
  const target = new URL(url);
  target.pathname = `/${name}`;
  return target.toString();
}

async function dropDatabase(url, name) {
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    await admin.query(`drop database if exists ${name} with (force)`);
  } finally {
    await admin.end();
  }
}

function stop(child) {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.on('exit', resolve);
    child.kill('SIGTERM');
  });
}

async function startCeiling(kind, dir, url) {
  const child = spawn(process.execPath, [ceilingScript], {
    env: { ...process.env, CEILING_DATA_DIR: dir, CEILING_DATABASE_URL: kind === 'postgres' ? url : '' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout });
  for await (const line of lines) {
    const match = /^listening (\d+)$/.exec(line);
    if (match) return { child, port: Number(match[1]) };
  }
  throw new Error('the ceiling server did not start');
}

async function freePort() {
  const { createServer } = await import('node:net');
  return new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

async function startCardwarden(kind, dir, url) {
  const port = await freePort();
  const child = spawn(
    process.execPath,
    [...(process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean), main],
    {
      env: {
        ...process.env,
        PORT: String(port),
        HOST: '127.0.0.1',
        DATA_DIR: dir,
        DATABASE_URL: kind === 'postgres' ? url : '',
        LOG_LEVEL: 'warn',
        CARDWARDEN_ADMIN_PASSWORD: 'bench admin password',
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  const { request, close } = client(port, 1);
  try {
    for (let i = 0; ; i++) {
      try {
        if ((await request('GET', '/healthz')).status === 200) break;
      } catch {
        if (i > 480 || child.exitCode !== null) throw new Error('the Cardwarden server did not start');
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  } finally {
    close();
  }
  return { child, port };
}

/** An admin token, a profile with adminKeyAttemptLimit 15, and `CARDS` cards with generated admin keys. */
async function seed(port) {
  const { request, close } = client(port, 16);
  try {
    const { token } = await ok(request, 'POST', pathTo(api.auth.login), {
      username: 'admin',
      password: 'bench admin password',
    });
    await ok(
      request,
      'POST',
      pathTo(api.profiles.create),
      { name: 'bench', adminKeyAttemptLimit: 15, useCases: { operatorOfflineUnblock: true } },
      token,
    );
    const users = 50;
    for (let u = 0; u < users; u++) {
      await ok(
        request,
        'POST',
        pathTo(api.users.create),
        { username: `bench${u}`, displayName: `Bench ${u}`, email: `bench${u}@example.org` },
        token,
      );
    }
    const ids = new Array(CARDS);
    let next = 0;
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        while (next < CARDS) {
          const n = next++;
          const card = await ok(
            request,
            'POST',
            pathTo(api.cards.create),
            {
              serial: `BENCH-${String(n).padStart(6, '0')}`,
              username: `bench${n % users}`,
              profile: 'bench',
              type: 'gids',
              adminKey: { algorithm: '3des', generate: true },
            },
            token,
          );
          ids[n] = card.id;
        }
      }),
    );
    return { token, cards: ids };
  } finally {
    close();
  }
}

/** Hands each worker a card it alone uses, for at most RESPONSES_PER_CARD responses. */
function cardPool(cards) {
  let next = 0;
  const held = new Map();
  return (worker) => {
    let mine = held.get(worker);
    if (!mine || mine.used >= RESPONSES_PER_CARD) {
      if (next >= cards.length) throw new Error(`all ${cards.length} cards used: raise BENCH_CARDS`);
      mine = { id: cards[next++], used: 0 };
      held.set(worker, mine);
    }
    mine.used++;
    return mine.id;
  };
}

const fmt = (n, digits = 2) => (Number.isFinite(n) ? n.toFixed(digits) : '—');

/** CPU per successful request, in microseconds: server, database, load client. */
function reportCpu(label, result) {
  const per = (seconds) => fmt((seconds * 1e6) / result.samples.length, 0).padStart(5);
  console.log(
    `  ${label.padEnd(46)} CPU per write: server ${per(result.cpu.server)} µs (system ${per(result.cpu.serverSystem)}), database ${per(result.cpu.database)} µs, load client ${per(result.cpu.client)} µs`,
  );
}

function report(label, result) {
  const failed = result.failures
    ? `   FAILED ${result.failures} (${result.firstFailure?.message ?? ''})`
    : '';
  console.log(
    `  ${label.padEnd(46)} ${fmt(result.perSecond, 0).padStart(6)} /s   p50 ${fmt(percentile(result.samples, 0.5))} ms   p99 ${fmt(percentile(result.samples, 0.99))} ms${failed}`,
  );
}

/** Each request of the cycle apart (latency only: they share the cycle's rate). */
function reportSteps(steps) {
  for (const [label, samples] of [
    ['  of which POST …/offline-unblocks (start)', steps.start],
    ['  of which POST …/response', steps.response],
    ['  of which POST …/outcome', steps.outcome],
  ]) {
    report(label, { samples, failures: 0, perSecond: NaN });
  }
}

async function benchDatabase(kind) {
  const dir = mkdtempSync(join(tmpdir(), `cardwarden-bench-response-${kind}-`));
  const baseUrl = process.env.DATABASE_URL;
  const names = { ceiling: `cw_bench_ceiling_${process.pid}`, server: `cw_bench_server_${process.pid}` };
  const urls =
    kind === 'postgres'
      ? {
          ceiling: await freeDatabase(baseUrl, names.ceiling),
          server: await freeDatabase(baseUrl, names.server),
        }
      : {};
  const results = {};
  // Both servers run at once and take turns in short slices (BENCH_SLICES of each phase): a burst of
  // load from elsewhere on a shared machine then weighs on both sides alike instead of on one.
  try {
    const ceiling = await startCeiling(kind, dir, urls.ceiling);
    let server;
    try {
      server = await startCardwarden(kind, join(dir, 'cardwarden'), urls.server);
      const write = async (timed, _worker, samples) => {
        samples.push((await timed('POST', '/write')).ms);
      };
      const seeded = await seed(server.port);
      const databasePids = kind === 'postgres' ? await clusterProcesses(urls.server) : undefined;
      const nextCard = cardPool(seeded.cards);
      // Each request of the cycle apart, to see which one sets the cycle's p99.
      const stepSamples = { start: [], response: [], outcome: [] };
      const cycle = async (timed, worker, samples) => {
        const card = nextCard(worker);
        const started = await timed(
          'POST',
          pathTo(api.offlineUnblocks.start, { id: card }),
          {},
          seeded.token,
        );
        samples.push(started.ms);
        stepSamples.start.push(started.ms);
        const id = started.answer.id;
        const response = await timed(
          'POST',
          pathTo(api.offlineUnblocks.response, { id }),
          { challenge: CHALLENGE },
          seeded.token,
        );
        samples.push(response.ms);
        stepSamples.response.push(response.ms);
        const outcome = await timed(
          'POST',
          pathTo(api.offlineUnblocks.outcome, { id }),
          { result: 'unblocked' },
          seeded.token,
        );
        samples.push(outcome.ms);
        stepSamples.outcome.push(outcome.ms);
      };
      const takeSteps = () => ({
        start: stepSamples.start.splice(0),
        response: stepSamples.response.splice(0),
        outcome: stepSamples.outcome.splice(0),
      });
      // Warm-up.
      await drive(ceiling.port, CONNECTIONS, Math.min(2, SECONDS), write);
      await drive(server.port, CONNECTIONS, Math.min(2, SECONDS), cycle);
      takeSteps();
      const phase = async (connections, seconds) => {
        const sums = { ceiling: [], cardwarden: [] };
        for (let slice = 0; slice < SLICES; slice++) {
          sums.ceiling.push(
            await measuringCpu(ceiling.child.pid, databasePids, () =>
              drive(ceiling.port, connections, seconds / SLICES, write),
            ),
          );
          sums.cardwarden.push(
            await measuringCpu(server.child.pid, databasePids, () =>
              drive(server.port, connections, seconds / SLICES, cycle),
            ),
          );
        }
        return { ceiling: merge(sums.ceiling), cardwarden: merge(sums.cardwarden) };
      };
      const many = await phase(CONNECTIONS, SECONDS);
      results.ceiling = many.ceiling;
      results.cardwarden = many.cardwarden;
      results.steps64 = takeSteps();
      const one = await phase(1, SECONDS / 2);
      results.ceilingOne = one.ceiling;
      results.cardwardenOne = one.cardwarden;
      results.stepsOne = takeSteps();
    } finally {
      if (server) await stop(server.child);
      await stop(ceiling.child);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
    if (kind === 'postgres') {
      await dropDatabase(baseUrl, names.ceiling);
      await dropDatabase(baseUrl, names.server);
    }
  }
  return results;
}

console.log(
  `Response path: ${CONNECTIONS} connections, ${SECONDS} s a phase (one connection: ${SECONDS / 2} s), ${CARDS} cards`,
);
const summary = [];
for (const kind of databases) {
  const label = kind === 'postgres' ? 'PostgreSQL' : 'PGlite (embedded)';
  const r = await benchDatabase(kind);
  console.log(`${label}`);
  report(`ceiling: one transaction, ${CONNECTIONS} connections`, r.ceiling);
  report(`Cardwarden: start/response/outcome, ${CONNECTIONS} conn.`, r.cardwarden);
  reportSteps(r.steps64);
  reportCpu('ceiling', r.ceiling);
  reportCpu('Cardwarden', r.cardwarden);
  report('ceiling: one connection', r.ceilingOne);
  report('Cardwarden: one connection', r.cardwardenOne);
  reportSteps(r.stepsOne);
  const share = (100 * r.cardwarden.perSecond) / r.ceiling.perSecond;
  const p99 = percentile(r.cardwarden.samples, 0.99);
  const ceilingP99 = percentile(r.ceiling.samples, 0.99);
  const oneP99 = percentile(r.stepsOne.response, 0.99);
  const verdict = (met) => (met ? 'met' : 'NOT met');
  console.log(
    `  => writes/s ${fmt(share, 1)} % of the ceiling (goal ≥ 60 %: ${verdict(share >= 60)}); ` +
      `p99 ${fmt(p99)} ms vs ${fmt(ceilingP99)} ms = ${fmt(p99 / ceilingP99)} × (goal ≤ 2 ×: ${verdict(p99 <= 2 * ceilingP99)}); ` +
      `response at one connection p99 ${fmt(oneP99)} ms (goal < 5 ms: ${verdict(oneP99 < 5)})`,
  );
  summary.push({
    kind,
    share,
    p99,
    ceilingP99,
    oneP99,
    failures: r.cardwarden.failures + r.cardwardenOne.failures,
  });
}
if (summary.some((s) => s.failures > 0)) {
  console.log('Some requests failed: the figures above do not count them.');
  process.exitCode = 1;
}
