// `npm run bench:flood`: the anonymous endpoints under a flood. While hostile clients send about
// BENCH_FLOOD_RATE (default 1,000) requests per second of online-unlock starts for unknown serials and
// wrong answers for real cards, each from one of many source addresses (127.1.x.y: on Linux every address
// of 127.0.0.0/8 is the loopback, so a client socket can be bound to any of them), the bench measures a
// legitimate online unlock (start → answers + challenge → outcome, each from its own workstation
// address) and the help desk's requests (User Lookup, card detail) with a bearer token: p50 and p99,
// beside the same measured with no flood in the same run. Prints the hostile rate achieved and how the
// hostile requests were answered. Uses the built server (npm run build) on a fresh embedded database,
// or PostgreSQL when DATABASE_URL is set (an empty database of its own: the KEK file is made afresh
// for each run, so a database that holds another run's admin keys is refused at start).
//
// BENCH_SECONDS (default 10) is the length of each phase (quiet, then flood); BENCH_FLOOD_RATE the
// hostile requests per second; BENCH_ATTACKERS (default 1,024) the hostile source addresses;
// BENCH_VICTIMS (default 16) the real cards the attacker sends wrong answers for.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, request as httpRequest } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { api, pathTo } from '@cardwarden/contract';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const RATE = Number(process.env.BENCH_FLOOD_RATE ?? 1000);
const ATTACKERS = Number(process.env.BENCH_ATTACKERS ?? 1024);
const VICTIMS = Number(process.env.BENCH_VICTIMS ?? 16);
/** Legitimate cardholders: each unlocks at most 10 times (the per-card limit of a window). */
const LEGIT_CARDS = Number(process.env.BENCH_LEGIT_CARDS ?? 24);
const PASSWORD = 'bench admin password';
const CHALLENGE = '0557 897F 8D84 407B';
const ANSWERS = ['Rex the Dog', 'Springfield Elementary', 'Paris'];
const databaseUrl = process.env.DATABASE_URL || undefined;
/** Names of this run's rows, so that a PostgreSQL database can be used again. */
const RUN = Math.random().toString(36).slice(2, 8);
const kind = databaseUrl ? 'PostgreSQL' : 'PGlite';
const main = fileURLToPath(new URL('../dist/main.js', import.meta.url));

const port = await new Promise((resolve) => {
  const probe = createServer().listen(0, '127.0.0.1', () => {
    const { port: free } = probe.address();
    probe.close(() => resolve(free));
  });
});
const dataDir = mkdtempSync(join(tmpdir(), 'cardwarden-bench-flood-'));
// BENCH_SERVER_NODE_ARGS: extra node options for the server, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof".
const serverArgs = (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean);
const server = spawn(process.execPath, [...serverArgs, main], {
  env: {
    ...process.env,
    PORT: String(port),
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    LOG_LEVEL: 'warn',
    CARDWARDEN_ADMIN_PASSWORD: PASSWORD,
  },
  stdio: ['ignore', 'ignore', 'inherit'],
});

/** One keep-alive agent per source address. */
const agents = new Map();
function agentFor(address) {
  let agent = agents.get(address);
  if (!agent) {
    agent = new Agent({ keepAlive: true, maxSockets: 4, localAddress: address });
    agents.set(address, agent);
  }
  return agent;
}

/** One request from `address`; resolves to { status, body, ms } (never rejects: errors are status 0). */
function call(method, path, { body, token, address = '127.0.0.1' } = {}) {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  const started = performance.now();
  return new Promise((resolve) => {
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port,
        method,
        path,
        agent: agentFor(address),
        headers: {
          ...(payload
            ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) }
            : {}),
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
      },
      (res) => {
        const chunks = [];
        res.on('data', (chunk) => chunks.push(chunk));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString();
          let parsed;
          try {
            parsed = text ? JSON.parse(text) : {};
          } catch {
            parsed = { text };
          }
          resolve({ status: res.statusCode ?? 0, body: parsed, ms: performance.now() - started });
        });
      },
    );
    req.on('error', (error) =>
      resolve({ status: 0, body: { error: String(error) }, ms: performance.now() - started }),
    );
    if (payload) req.write(payload);
    req.end();
  });
}

async function must(method, path, options, status = [200, 201, 204]) {
  const answer = await call(method, path, options);
  if (!status.includes(answer.status))
    throw new Error(`${method} ${path}: ${answer.status} ${JSON.stringify(answer.body)}`);
  return answer.body;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function percentiles(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
  return { p50: at(0.5), p99: at(0.99), max: sorted.at(-1) ?? NaN, n: sorted.length };
}

/** Sets up an online-unlock cardholder; returns its card's serial and the answers by question id. */
async function cardholder(admin, profile, questionIds, name) {
  const user = await must('POST', pathTo(api.users.create), {
    body: { username: name, displayName: `Bench ${name}`, email: `${name}@example.org` },
    token: admin,
  });
  const serial = `FLOOD-${RUN}-${name}`.toUpperCase();
  const card = await must('POST', pathTo(api.cards.create), {
    body: {
      serial,
      username: name,
      profile,
      type: 'gids',
      adminKey: { algorithm: '3des', key: '010203040506070801020304050607080102030405060708' },
    },
    token: admin,
  });
  const password = `${name} self-service password`;
  await must('PUT', pathTo(api.users.setPassword, { id: user.id }), { body: { password }, token: admin });
  const { token } = await must('POST', pathTo(api.selfService.login), { body: { username: name, password } });
  const answers = questionIds.slice(0, 3).map((questionId, i) => ({ questionId, answer: ANSWERS[i] }));
  await must('PUT', pathTo(api.securityQuestions.setMyAnswers), { body: { answers }, token });
  return {
    serial,
    userId: user.id,
    cardId: card.id,
    answers: new Map(answers.map((a) => [a.questionId, a.answer])),
  };
}

/** Status and error code of a failed answer; the first message of each code is kept to be printed. */
const failureMessages = new Map();
function failure(answer) {
  const code = answer.body?.error?.code ?? '';
  if (!failureMessages.has(code)) failureMessages.set(code, String(answer.body?.error?.message ?? ''));
  return `${answer.status} ${code}`.trim();
}

let workstation = 0;
/** A legitimate online unlock from its own workstation address: start → answers + challenge → outcome. */
async function legitimateUnlock(holder, samples) {
  workstation = (workstation + 1) % 2500;
  const address = `127.0.${2 + Math.floor(workstation / 250)}.${(workstation % 250) + 1}`;
  const cycle = performance.now();
  const start = await call('POST', pathTo(api.onlineUnlock.start), {
    body: { cardSerial: holder.serial },
    address,
  });
  samples.start.push(start.ms);
  if (start.status !== 201) return void samples.failures.push(`start ${failure(start)}`);
  const answers = start.body.questions.map((q) => ({ questionId: q.id, answer: holder.answers.get(q.id) }));
  const response = await call('POST', pathTo(api.onlineUnlock.response, { id: start.body.id }), {
    body: { answers, challenge: CHALLENGE },
    address,
  });
  samples.response.push(response.ms);
  if (response.status !== 200) return void samples.failures.push(`response ${failure(response)}`);
  const outcome = await call('POST', pathTo(api.onlineUnlock.outcome, { id: start.body.id }), {
    body: { result: 'unblocked' },
    address,
  });
  samples.outcome.push(outcome.ms);
  if (outcome.status !== 200) return void samples.failures.push(`outcome ${failure(outcome)}`);
  samples.cycle.push(performance.now() - cycle);
}

/** Runs the legitimate unlocks and the help desk's requests for `seconds`, one after another each. */
async function measure(seconds, admin, holders, holderUse, searchTerms) {
  const samples = { start: [], response: [], outcome: [], cycle: [], lookup: [], detail: [], failures: [] };
  const until = performance.now() + seconds * 1000;
  const legit = (async () => {
    while (performance.now() < until) {
      const holder = holders.find((h) => (holderUse.get(h) ?? 0) < 10);
      if (!holder) break;
      holderUse.set(holder, (holderUse.get(holder) ?? 0) + 1);
      await legitimateUnlock(holder, samples);
      await sleep(50);
    }
  })();
  const helpDesk = (async () => {
    let i = 0;
    while (performance.now() < until) {
      const holder = holders[i % holders.length];
      const lookup = await call(
        'GET',
        `${pathTo(api.users.list)}?q=${encodeURIComponent(searchTerms[i % searchTerms.length])}&limit=20`,
        {
          token: admin,
        },
      );
      samples.lookup.push(lookup.ms);
      if (lookup.status !== 200) samples.failures.push(`lookup ${failure(lookup)}`);
      const detail = await call('GET', pathTo(api.cards.get, { id: holder.cardId }), { token: admin });
      samples.detail.push(detail.ms);
      if (detail.status !== 200) samples.failures.push(`card detail ${failure(detail)}`);
      i++;
      await sleep(20);
    }
  })();
  await Promise.all([legit, helpDesk]);
  return samples;
}

/** Hostile traffic at `rate` requests/s until `stop()`; counts answers by status. */
function flood(rate, victims) {
  const statuses = new Map();
  let sent = 0;
  let done = 0;
  let inFlight = 0;
  let dropped = 0;
  const maxInFlight = Number(process.env.BENCH_MAX_IN_FLIGHT ?? 1024);
  const started = performance.now();
  const attacker = (i) => `127.1.${Math.floor(i / 250) % 250}.${(i % 250) + 1}`;
  const tick = 10;
  const timer = setInterval(() => {
    const due = Math.floor(((performance.now() - started) / 1000) * rate) - sent - dropped;
    for (let k = 0; k < due; k++) {
      if (inFlight >= maxInFlight) {
        dropped++;
        continue;
      }
      const n = sent++;
      const address = attacker(n % ATTACKERS);
      const victim = victims[n % victims.length];
      const hostile =
        n % 2 === 0 || !victim.session
          ? call('POST', pathTo(api.onlineUnlock.start), {
              body: { cardSerial: `NOPE-${Math.random().toString(36).slice(2, 12)}` },
              address,
            })
          : call('POST', pathTo(api.onlineUnlock.response, { id: victim.session.id }), {
              body: {
                answers: victim.session.questions.map((q) => ({ questionId: q.id, answer: `wrong ${n}` })),
                challenge: CHALLENGE,
              },
              address,
            });
      inFlight++;
      void hostile.then((answer) => {
        inFlight--;
        done++;
        const key =
          answer.status === 0
            ? `no answer (${String(answer.body?.error).slice(0, 40)})`
            : `${answer.status} ${answer.body?.error?.code ?? ''}${
                // 429s of the admission lanes (load) apart from those of the rate limits.
                /^the server is busy/.test(answer.body?.error?.message ?? '') ? ' (busy)' : ''
              }`.trim();
        statuses.set(key, (statuses.get(key) ?? 0) + 1);
      });
    }
  }, tick);
  return {
    stop() {
      clearInterval(timer);
      const seconds = (performance.now() - started) / 1000;
      return { sent, done, dropped, seconds, statuses };
    },
  };
}

function row(label, quiet, loud) {
  const a = percentiles(quiet);
  const b = percentiles(loud);
  const f = (v) => v.toFixed(1).padStart(7);
  console.log(
    `${label.padEnd(34)} quiet p50 ${f(a.p50)}  p99 ${f(a.p99)}   flood p50 ${f(b.p50)}  p99 ${f(b.p99)}  max ${f(b.max)} ms  (n=${a.n}/${b.n})`,
  );
  return b.p99;
}

try {
  for (let i = 0; ; i++) {
    const health = await call('GET', '/healthz');
    if (health.status === 200) break;
    if (i > 1200 || server.exitCode !== null) throw new Error('the server did not start');
    await sleep(250);
  }
  const { token: admin } = await must('POST', pathTo(api.auth.login), {
    body: { username: 'admin', password: PASSWORD },
  });
  await must('POST', pathTo(api.profiles.create), {
    body: {
      name: `flood-${RUN}`,
      useCases: { onlineUnlock: true },
      adminKeyAttemptLimit: 15,
      securityQuestions: { required: 3, asked: 2, maxFailedAttempts: 5 },
    },
    token: admin,
  });
  const questionIds = [];
  for (const text of ['Name of your first pet?', 'Your primary school?', 'City you were born in?']) {
    questionIds.push(
      (
        await must('POST', pathTo(api.securityQuestions.create), {
          body: { text: `${text} (${RUN})` },
          token: admin,
        })
      ).id,
    );
  }
  const holders = [];
  for (let i = 0; i < LEGIT_CARDS; i++)
    holders.push(await cardholder(admin, `flood-${RUN}`, questionIds, `legit${i}-${RUN}`));
  const victims = [];
  for (let i = 0; i < VICTIMS; i++)
    victims.push(await cardholder(admin, `flood-${RUN}`, questionIds, `victim${i}-${RUN}`));
  const searchTerms = ['legit', 'victim1', 'egit1', `legit2-${RUN}`, 'example.org', 'Bench victim'];
  const holderUse = new Map();

  // Warm-up, then the quiet phase.
  await measure(1, admin, holders, holderUse, searchTerms);
  const quiet = await measure(SECONDS, admin, holders, holderUse, searchTerms);

  // The attacker opens a session on each victim's card (from its own addresses), then floods.
  for (const [i, victim] of victims.entries()) {
    const started = await call('POST', pathTo(api.onlineUnlock.start), {
      body: { cardSerial: victim.serial },
      address: `127.2.0.${i + 1}`,
    });
    if (started.status === 201) victim.session = started.body;
  }
  const hostile = flood(RATE, victims);
  await sleep(500);
  const loud = await measure(SECONDS, admin, holders, holderUse, searchTerms);
  const result = hostile.stop();
  await sleep(200);

  console.log(
    `Cardwarden under a flood, ${kind}: ${SECONDS} s quiet then ${SECONDS} s of flood from ${ATTACKERS} addresses, ${VICTIMS} attacked cards`,
  );
  console.log(
    `hostile: ${result.sent} sent, ${result.done} answered in ${result.seconds.toFixed(1)} s = ${(result.done / result.seconds).toFixed(0)} answered/s (asked for ${RATE}/s${result.dropped ? `, ${result.dropped} not sent: too many in flight` : ''})`,
  );
  console.log(
    `hostile answers: ${[...result.statuses.entries()]
      .sort((a, b) => b[1] - a[1])
      .map(([k, v]) => `${k} ×${v}`)
      .join(', ')}`,
  );
  const worst = Math.max(
    row('online unlock: start', quiet.start, loud.start),
    row('online unlock: answers + challenge', quiet.response, loud.response),
    row('online unlock: outcome', quiet.outcome, loud.outcome),
    row('help desk: User Lookup', quiet.lookup, loud.lookup),
    row('help desk: card detail', quiet.detail, loud.detail),
  );
  row('online unlock: whole cycle', quiet.cycle, loud.cycle);
  const failures = [...quiet.failures, ...loud.failures];
  if (failures.length) {
    console.log(`legitimate requests that failed: ${failures.slice(0, 10).join('; ')} (${failures.length})`);
    for (const [code, message] of failureMessages) console.log(`  ${code || 'no code'}: ${message}`);
  }
  console.log(
    `legitimate p99 under the flood (worst request): ${worst.toFixed(1)} ms — goal < 100 ms: ${worst < 100 && failures.length === 0 ? 'met' : 'NOT met'}`,
  );
} finally {
  server.kill('SIGTERM');
  await new Promise((r) => server.on('exit', r));
  for (const agent of agents.values()) agent.destroy();
  rmSync(dataDir, { recursive: true, force: true });
}
