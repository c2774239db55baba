// A profiling aid, not a benchmark (no goal, no baseline): runs the help desk's offline-unblock cycle
// (start → response → outcome "unblocked") in process through `app.inject`, so that neither sockets nor
// a load client take part, prints the process's CPU time per write, and writes a V8 CPU profile of the
// measured part. On the embedded database the profile then shows everything a write costs, PostgreSQL
// (WebAssembly) included; `npm run bench:response` gives the figures against the ceiling.
//
//   npm run build && node packages/server/bench/profile-response-cycle.mjs
//   PROFILE_DATABASE_URL=postgres://… (an empty database of its own) to profile on PostgreSQL instead;
//   PROFILE_SECONDS (8), PROFILE_CONCURRENCY (4), PROFILE_OUT (cycle.cpuprofile in the temp dir).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { api, pathTo } from '@cardwarden/contract';
import { loadConfig } from '../dist/config.js';
import { startServer } from '../dist/server.js';

const SECONDS = Number(process.env.PROFILE_SECONDS ?? 8);
const CONCURRENCY = Number(process.env.PROFILE_CONCURRENCY ?? 4);
const OUT = process.env.PROFILE_OUT ?? join(tmpdir(), 'cycle.cpuprofile');
const RESPONSES_PER_CARD = 14;

const dir = mkdtempSync(join(tmpdir(), 'cardwarden-profile-'));
const env = { PORT: '0', HOST: '127.0.0.1', DATA_DIR: dir, LOG_LEVEL: 'warn' };
env.CARDWARDEN_ADMIN_PASSWORD = 'profile admin password';
if (process.env.PROFILE_DATABASE_URL) env.DATABASE_URL = process.env.PROFILE_DATABASE_URL;
const server = await startServer(loadConfig(env, dir), false);

async function call(method, url, payload, token) {
  const answer = await server.app.inject({
    method,
    url,
    payload,
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });
  if (answer.statusCode >= 300) throw new Error(`${method} ${url}: ${answer.statusCode} ${answer.body}`);
  return answer.json();
}

const { token } = await call('POST', pathTo(api.auth.login), {
  username: 'admin',
  password: env.CARDWARDEN_ADMIN_PASSWORD,
});
await call(
  'POST',
  pathTo(api.profiles.create),
  { name: 'profile', adminKeyAttemptLimit: 15, useCases: { operatorOfflineUnblock: true } },
  token,
);
await call(
  'POST',
  pathTo(api.users.create),
  { username: 'holder', displayName: 'Holder', email: 'holder@example.org' },
  token,
);
const cards = [];
const needed = Math.ceil((SECONDS + 2) * 150) + CONCURRENCY;
for (let n = 0; n < needed; n++) {
  const card = await call(
    'POST',
    pathTo(api.cards.create),
    {
      serial: `PROFILE-${n}`,
      username: 'holder',
      profile: 'profile',
      type: 'gids',
      adminKey: { algorithm: '3des', generate: true },
    },
    token,
  );
  cards.push(card.id);
}

let next = 0;
const held = new Map();
function cardFor(worker) {
  let mine = held.get(worker);
  if (!mine || mine.used >= RESPONSES_PER_CARD) {
    if (next >= cards.length) throw new Error('all cards used: lower PROFILE_SECONDS');
    mine = { id: cards[next++], used: 0 };
    held.set(worker, mine);
  }
  mine.used++;
  return mine.id;
}

async function drive(seconds) {
  const end = Date.now() + seconds * 1000;
  let writes = 0;
  const before = process.cpuUsage();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async (_, worker) => {
      while (Date.now() < end) {
        const session = await call(
          'POST',
          pathTo(api.offlineUnblocks.start, { id: cardFor(worker) }),
          {},
          token,
        );
        const id = session.id;
        await call(
          'POST',
          pathTo(api.offlineUnblocks.response, { id }),
          { challenge: '0557 897f 8D84-407B' },
          token,
        );
        await call('POST', pathTo(api.offlineUnblocks.outcome, { id }), { result: 'unblocked' }, token);
        writes += 3;
      }
    }),
  );
  const cpu = process.cpuUsage(before);
  return { writes, perSecond: writes / seconds, cpuPerWrite: (cpu.user + cpu.system) / writes };
}

await drive(2); // warm-up
const session = new Session();
session.connect();
await session.post('Profiler.enable');
await session.post('Profiler.start');
const measured = await drive(SECONDS);
const { profile } = await session.post('Profiler.stop');
writeFileSync(OUT, JSON.stringify(profile));
console.log(
  `${env.DATABASE_URL ? 'PostgreSQL' : 'PGlite'}: ${measured.perSecond.toFixed(0)} writes/s at ${CONCURRENCY} at a time, ` +
    `${measured.cpuPerWrite.toFixed(0)} µs of this process's CPU per write (the database's own processes not counted on PostgreSQL); profile: ${OUT}`,
);
await server.close();
rmSync(dir, { recursive: true, force: true });
process.exit(0);
