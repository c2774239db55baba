// `npm run bench:search-query`: the search queries alone, in one process, on a database that
// search-bench.mjs (or seed.mjs) seeded: each term asked the way the index is asked without trigram
// statistics (every trigram of the term) and with them (the rarest few, db/search-statistics.ts), one
// after the other, so that both are measured under the same load in the same run. No HTTP: this isolates
// what the database does from the round trip that search-bench.mjs measures beside /healthz.
//
//   DATABASE_URL=postgres://…/cardwarden_bench node packages/server/bench/search-query-bench.mjs
//   DATA_DIR=$TMPDIR/cardwarden-bench-search-pglite node packages/server/bench/search-query-bench.mjs
//
// BENCH_ROUNDS (default 5) sets the rounds. Uses the built server (npm run build); the server must not run
// on the same PGlite data directory.
import { performance } from 'node:perf_hooks';
import { CARD_TERMS, USER_TERMS } from './search-terms.mjs';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const { openStorage } = await import('../dist/server.js');
const { loadConfig } = await import('../dist/config.js');
const { searchUsers } = await import('../dist/repositories/user.repository.js');
const { searchCards } = await import('../dist/repositories/card.repository.js');
const { holdSearchStatistics, refreshSearchStatistics } = await import('../dist/db/search-statistics.js');

if (!process.env.DATABASE_URL && !process.env.DATA_DIR) {
  console.error('search-query-bench: set DATABASE_URL (PostgreSQL) or DATA_DIR (embedded PGlite)');
  process.exit(2);
}
const config = loadConfig();
const { handle, lock } = await openStorage(config, 'cardwarden search-query-bench');
const db = handle.db;

function percentiles(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
  return `p50 ${at(0.5).toFixed(2).padStart(7)} ms   p99 ${at(0.99).toFixed(2).padStart(7)} ms`;
}

try {
  const sampleStarted = performance.now();
  const statistics = await refreshSearchStatistics(db);
  console.log(
    `trigram sample: ${statistics.username.sampled} users, ${statistics.serial.sampled} cards in ${(
      performance.now() - sampleStarted
    ).toFixed(0)} ms`,
  );
  const searches = [
    ...Object.entries(USER_TERMS).flatMap(([category, terms]) =>
      terms.map((term) => ({
        what: 'User Lookup',
        category,
        term,
        run: () => searchUsers(db, { q: term, limit: 20, offset: 0 }),
      })),
    ),
    ...Object.entries(CARD_TERMS).flatMap(([category, terms]) =>
      terms.map((term) => ({
        what: 'Card Search',
        category,
        term,
        run: () => searchCards(db, { serial: term, limit: 20, offset: 0 }),
      })),
    ),
  ];
  const modes = { 'every trigram': undefined, 'rare trigrams': statistics };
  for (const search of searches) await search.run(); // warm-up
  const samples = new Map();
  const record = (key, ms) => {
    if (!samples.has(key)) samples.set(key, []);
    samples.get(key).push(ms);
  };
  for (let round = 0; round < ROUNDS; round++) {
    for (const search of searches) {
      for (const [mode, held] of Object.entries(modes)) {
        holdSearchStatistics(db, held);
        const t = performance.now();
        await search.run();
        const ms = performance.now() - t;
        record(`${search.what}|${mode}`, ms);
        record(`${search.what}: ${search.category}|${mode}`, ms);
        record(`term|${search.what}|${JSON.stringify(search.term)}|${mode}`, ms);
      }
    }
  }
  console.log(`\nsearch queries, ${handle.kind}, ${ROUNDS} rounds, both ways in the same run`);
  console.log(`${''.padEnd(44)} ${'every trigram'.padEnd(34)} rare trigrams`);
  for (const key of new Set(
    [...samples.keys()].filter((k) => !k.startsWith('term|')).map((k) => k.split('|')[0]),
  )) {
    console.log(
      `${key.padEnd(44)} ${percentiles(samples.get(`${key}|every trigram`))}   ${percentiles(
        samples.get(`${key}|rare trigrams`),
      )}`,
    );
  }
  // The terms that set the p99: each one's slowest answer, either way.
  const slowest = [...samples]
    .filter(([key]) => key.startsWith('term|'))
    .map(([key, values]) => ({ key: key.slice(5).split('|').join(' '), max: Math.max(...values) }))
    .sort((a, b) => b.max - a.max)
    .slice(0, 12);
  console.log('\nslowest terms (their slowest answer):');
  for (const { key, max } of slowest) console.log(`  ${key.padEnd(60)} ${max.toFixed(2).padStart(8)} ms`);
} finally {
  await handle.close();
  lock?.release();
}
