/**
 * User Lookup and Card Search answer from indexes (trigrams, prefixes, per-column branches with their own
 * limits): this compares what they find with a plain scan of the old semantics (ILIKE '%term%' over the
 * four values for 3+ characters; the start of a value for shorter terms) for many terms over rows made
 * by SQL from rows the API made, with the values that trip searches up.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { sql, type SQL } from 'drizzle-orm';
import type { Database } from '../src/db/database.js';
import { escapeLike } from '../src/db/like.js';
import { asciiKeyOf, SEARCH_KEY_FROM, SEARCH_KEY_TO, searchKey } from '../src/db/search-key.js';
import {
  isContainsTerm,
  rareTrigrams,
  scansInOrder,
  SEARCH_TOTAL_CAP,
  termMatches,
} from '../src/db/search.js';
import {
  columnTrigrams,
  holdSearchStatistics,
  refreshSearchStatistics,
  type SearchStatistics,
} from '../src/db/search-statistics.js';
import { searchCards } from '../src/repositories/card.repository.js';
import { searchUsers } from '../src/repositories/user.repository.js';
import { createFixture, type Fixture } from '@cardwarden/integration-tests/fixtures';
import { forEachDatabase, startTestServer, type TestServer } from '@cardwarden/integration-tests/test-server';
import { api, pathTo } from '@cardwarden/contract';

/** Deterministic, so that a failure names a term that fails again. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state / 2_147_483_648;
  };
}

const TRICKY = [
  'Alice',
  'ALICE.smith',
  'alice_smith',
  'al%ice',
  'al_ice',
  'alXice',
  'back\\slash',
  'back\\\\double',
  'Ünïcödé',
  'ÜNÏ',
  'straße',
  'STRASSE',
  'Élodie',
  'élodie.dupont',
  "o'brien",
  'O"Quote',
  'tab\tin',
  'a b c',
  'x',
  'xy',
  'xyz',
  '日本語ユーザー',
  'emoji😀user',
  'ABC-123',
  'abc',
  '100%',
  '___',
  '%%%',
  // The search key turns punctuation into letters (db/search-key.ts): values that differ only there.
  'maria lopez',
  'Perez.Q',
  'gomezx',
  'ezq',
  'semi;colon',
  'semicolon',
  '\u212Aelvin',
];

const PIECES = [
  'ab',
  'Cd',
  'ef',
  'GH',
  'ij',
  'kl',
  'Mn',
  'op',
  '_',
  '%',
  '\\',
  '.',
  '-',
  'é',
  'Ü',
  'ß',
  '7',
  '42',
];

interface Row {
  username: string;
  displayName: string;
  email: string;
  serials: string[];
}

function makeRows(): Row[] {
  const next = random(11);
  const pick = () => PIECES[Math.floor(next() * PIECES.length)] ?? 'zz';
  const word = (n: number) => Array.from({ length: n }, pick).join('');
  const rows: Row[] = TRICKY.map((value, i) => ({
    username: value,
    displayName: `${TRICKY[(i + 5) % TRICKY.length] ?? ''} ${word(2)}`,
    email: `${word(2)}${i}@${i % 2 ? 'Example.ORG' : 'mail.test'}`,
    serials:
      i % 3 === 0 ? [] : [`${value.toUpperCase()}-S${i}`, ...(i % 4 === 0 ? [`sn_${i}%${word(1)}`] : [])],
  }));
  for (let i = 0; i < 260; i++) {
    rows.push({
      // `alice` in many usernames as in many display names: a term common in two columns.
      username: `u${i}${i % 9 === 0 ? 'alice' : ''}${word(2)}`,
      displayName: `${word(3)} ${i % 7 === 0 ? 'Alice' : word(2)}`,
      email: `${word(2)}.${i}@example.org`,
      serials: i % 2 === 0 ? [`${word(2).toUpperCase()}${i}`, ...(i % 10 === 0 ? [`abc${i}XYZ`] : [])] : [],
    });
  }
  return rows;
}

/** Terms: fixed tricky ones, pieces of stored values in random case and length, and no-match terms. */
function makeTerms(rows: Row[]): string[] {
  const next = random(29);
  const terms = new Set<string>([
    ...TRICKY,
    'a',
    'A',
    'al',
    '%',
    '_',
    '\\',
    '%%',
    '__',
    'ALI',
    'lic',
    'smith',
    'SS',
    'ss',
    'ß',
    'ünï',
    'éLo',
    'example',
    'org',
    '.org',
    '@ex',
    'no such value',
    'qqqq',
    'zz9',
    'abc',
    'xyz',
    'S1',
    '-S',
    '日本',
    '語ユ',
    '😀us',
    'Ez.',
    'ez ',
    'ezx',
    'z.q',
    'ZQ',
    'i;c',
    'mi;',
    'kel',
    'a L',
  ]);
  const values = rows.flatMap((row) => [row.username, row.displayName, row.email, ...row.serials]);
  while (terms.size < 260) {
    const value = values[Math.floor(next() * values.length)] ?? '';
    const chars = Array.from(value);
    const length = 1 + Math.floor(next() * 6);
    const start = Math.floor(next() * Math.max(1, chars.length - length + 1));
    const piece = chars
      .slice(start, start + length)
      .map((c) => (next() < 0.5 ? c.toUpperCase() : c.toLowerCase()))
      .join('')
      .trim();
    if (piece) terms.add(piece);
  }
  return [...terms];
}

/** The ids a statement returns (both drivers answer `execute` with `rows`). */
async function ids(db: Database, query: SQL): Promise<string[]> {
  const result: unknown = await db.execute(query);
  return (result as { rows: { id: string }[] }).rows.map((row) => row.id).sort();
}

/**
 * The old semantics, written as a scan: what the indexed queries must agree with. Anywhere for 3 or more
 * characters with a letter or digit among them; otherwise the start of the value.
 */
function referencePattern(term: string): string {
  return Array.from(term).length >= 3 && /[\p{L}\p{N}]/u.test(term)
    ? `%${escapeLike(term)}%`
    : `${escapeLike(term)}%`;
}

/**
 * What a search found (`found`, all of it: the limit is above what a search reads) is what the scan
 * found (`expected`), or, when more than SEARCH_TOTAL_CAP rows match, more than the cap of them, each
 * one a match, with the total stopped at the cap. Returns 1 for a capped answer.
 */
function expectSameOrCapped(
  term: string,
  found: string[],
  answer: { total: number; totalCapped: boolean },
  expected: string[],
): number {
  const what = `term ${JSON.stringify(term)} (${expected.length} matches)`;
  if (expected.length <= SEARCH_TOTAL_CAP) {
    expect([...found].sort(), what).toEqual(expected);
    expect(answer, what).toEqual({ total: expected.length, totalCapped: false });
    return 0;
  }
  expect(answer, what).toEqual({ total: SEARCH_TOTAL_CAP, totalCapped: true });
  expect(new Set(found).size, what).toBe(found.length);
  expect(found.length, what).toBeGreaterThan(SEARCH_TOTAL_CAP);
  const matching = new Set(expected);
  expect(
    found.filter((id) => !matching.has(id)),
    what,
  ).toEqual([]);
  return 1;
}

forEachDatabase('search', (kind) => {
  let server: TestServer;
  let f: Fixture;
  let db: Database;
  const rows = makeRows();

  beforeAll(async () => {
    server = await startTestServer(kind);
    f = await createFixture(server.api);
    db = server.server.ctx.db;
    // Rows made by SQL, copying the rows the API made, as the acceptance checks seed them.
    for (const row of rows) {
      const [userId = ''] = await ids(
        db,
        sql`
        insert into users (username, display_name, email)
        select ${row.username}, ${row.displayName}, ${row.email} from users where id = ${f.userId}
        returning id`,
      );
      for (const serial of row.serials) {
        const [cardId = ''] = await ids(
          db,
          sql`
          insert into cards (serial, type, user_id, profile_id)
          select ${serial}, type, ${userId}, profile_id from cards where id = ${f.cardId}
          returning id`,
        );
        await db.execute(sql`
          insert into admin_keys (card_id, algorithm, sealed, kcv)
          select ${cardId}, algorithm, sealed, kcv from admin_keys where card_id = ${f.cardId}`);
      }
    }
    // Creating the embedded database and 300 rows takes minutes when the 2-core machine is shared.
  }, 300_000);
  afterAll(async () => {
    await server.close();
  });

  // Both ways of asking the trigram indexes: every trigram of the term (no statistics yet), and only the
  // rarest ones by a sample (here the whole small table), the whole term checked on every row found.
  let sampled: SearchStatistics;
  const modes = [
    [
      'every trigram',
      () => {
        holdSearchStatistics(db, undefined);
      },
    ],
    [
      'rare trigrams',
      () => {
        holdSearchStatistics(db, sampled);
      },
    ],
  ] as const;

  it('takes trigram statistics from a sample, and long terms use their rarest trigrams', async () => {
    sampled = await refreshSearchStatistics(db);
    expect(sampled.username.sampled).toBe(rows.length + 1);
    expect(sampled.serial.sampled).toBeGreaterThan(100);
    const long = makeTerms(rows).filter((term) => rareTrigrams(term, sampled.username) !== undefined);
    expect(long.length).toBeGreaterThan(10);
    // Common terms read the table instead of the index: the comparisons below cover them too.
    const common = makeTerms(rows).filter((term) =>
      [sampled.username, sampled.displayName, sampled.email, sampled.serial].some((column) =>
        scansInOrder(term, column),
      ),
    );
    expect(common.length).toBeGreaterThan(3);
    // …and terms common in several of a user's columns, which one scan checks together.
    const together = makeTerms(rows).filter(
      (term) =>
        [sampled.username, sampled.displayName, sampled.email].filter((column) => scansInOrder(term, column))
          .length >= 2,
    );
    expect(together.length).toBeGreaterThan(0);
  });

  it.each(modes)(
    'User Lookup finds the same users as a scan, for every term, the exact username first (%s)',
    async (_mode, use) => {
      use();
      await userLookupMatchesScan();
    },
    120_000,
  );

  async function userLookupMatchesScan(): Promise<void> {
    const terms = makeTerms(rows);
    let capped = 0;
    for (const term of terms) {
      const pattern = referencePattern(term);
      const expected = await ids(
        db,
        sql`select u.id from users as u
            where u.username ilike ${pattern} or u.display_name ilike ${pattern} or u.email ilike ${pattern}
               or exists (select 1 from cards as c where c.user_id = u.id and c.serial ilike ${pattern})`,
      );
      const found = await searchUsers(db, { q: term, limit: 1000, offset: 0 });
      capped += expectSameOrCapped(
        term,
        found.items.map((user) => user.id),
        { total: found.total, totalCapped: found.totalCapped },
        expected,
      );
      const exact = await ids(db, sql`select id from users where lower(username) = lower(${term})`);
      if (exact.length > 0) expect(found.items[0]?.id, `term ${JSON.stringify(term)}`).toBe(exact[0]);
    }
    expect(terms.length).toBeGreaterThan(200);
    // Most terms match fewer rows than the cap and are compared whole.
    expect(capped).toBeGreaterThan(0);
    expect(capped).toBeLessThan(terms.length / 4);
  }

  it.each(modes)(
    'Card Search finds the same cards as a scan, for every term, the exact serial first (%s)',
    async (_mode, use) => {
      use();
      await cardSearchMatchesScan();
    },
    120_000,
  );

  async function cardSearchMatchesScan(): Promise<void> {
    const terms = [...makeTerms(rows), 'ALICE-S1', 'alice-s1', 'abc-123-s23'];
    for (const term of terms) {
      const expected = await ids(db, sql`select id from cards where serial ilike ${referencePattern(term)}`);
      const found = await searchCards(db, { serial: term, limit: 1000, offset: 0 });
      expectSameOrCapped(
        term,
        found.items.map((card) => card.id),
        { total: found.total, totalCapped: found.totalCapped },
        expected,
      );
      const exact = await ids(db, sql`select id from cards where lower(serial) = lower(${term})`);
      if (exact.length > 0) expect(found.items[0]?.id, `term ${JSON.stringify(term)}`).toBe(exact[0]);
    }
  }

  it('the search key is the same in SQL as in JavaScript, and the trigram indexes serve it', async () => {
    const ascii = Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i)).join('');
    const result: unknown = await db.execute(sql`select ${searchKey(sql`${ascii}::text`)} as key`);
    const [row] = (result as { rows: { key: string }[] }).rows;
    expect(row?.key).toBe(Array.from(ascii, (char) => asciiKeyOf(char) ?? char).join(''));
    // The planner uses an expression index only for the expression it was built on: a search
    // condition written otherwise than the indexes (schema.ts, migrations) would scan the table.
    const plans: string[] = [];
    await db.transaction(async (tx) => {
      await tx.execute(sql`set local enable_seqscan = off`);
      for (const [table, column] of [
        ['users', 'username'],
        ['users', 'display_name'],
        ['users', 'email'],
        ['cards', 'serial'],
      ] as const) {
        const explained: unknown = await tx.execute(
          sql`explain select 1 from ${sql.identifier(table)}
              where ${termMatches(sql`${sql.identifier(column)}`, 'Ez.1')}`,
        );
        plans.push(
          (explained as { rows: { 'QUERY PLAN': string }[] }).rows.map((r) => r['QUERY PLAN']).join('\n'),
        );
      }
    });
    expect(plans[0]).toContain('users_username_search_idx');
    expect(plans[1]).toContain('users_display_name_search_idx');
    expect(plans[2]).toContain('users_email_search_idx');
    expect(plans[3]).toContain('cards_serial_search_idx');
    // A term the sample calls common and spread is checked row by row, without the trigram index.
    const everywhere = columnTrigrams(
      Array.from({ length: 400 }, (_, i) => `user${i}@example.org`),
      1_000_000,
      Array.from({ length: 400 }, (_, i) => i % 4),
    );
    expect(scansInOrder('EXAMPLE', everywhere)).toBe(true);
    const explained: unknown = await db.execute(
      sql`explain select 1 from users where ${termMatches(sql`email`, 'EXAMPLE', everywhere)}`,
    );
    const plan = (explained as { rows: { 'QUERY PLAN': string }[] }).rows.map((r) => r['QUERY PLAN']);
    expect(plan.join('\n')).not.toContain('search_idx');
    expect(plan.join('\n')).toMatch(/Seq Scan on users/);
  });

  it('a table read in order finds what ILIKE finds, values outside ASCII included', async () => {
    expect(sampled.username.foldsAsciiAsAscii).toBe(true);
    const columns = ['username', 'display_name', 'email'];
    let checked = 0;
    for (const term of makeTerms(rows).filter(isContainsTerm)) {
      // Statistics that call `term` common all over the column, so the branch reads the table.
      const common = {
        ...columnTrigrams(
          Array.from({ length: 400 }, (_, i) => `x${term.toLowerCase()}${i}`),
          1_000_000,
          Array.from({ length: 400 }, (_, i) => i % 4),
        ),
        foldsAsciiAsAscii: true,
      };
      expect(scansInOrder(term, common), term).toBe(true);
      for (const name of columns) {
        const column = sql`u.${sql.identifier(name)}`;
        const found = await ids(
          db,
          sql`select u.id from users as u where ${termMatches(column, term, common)}`,
        );
        const expected = await ids(
          db,
          sql`select u.id from users as u where ${column} ilike ${referencePattern(term)}`,
        );
        expect(found, `${JSON.stringify(term)} in ${name}`).toEqual(expected);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(300);
  });

  it('a common term stops counting past the cap and still puts the exact match first', async () => {
    await db.execute(sql`
      insert into users (username, display_name, email)
      select 'bulk-' || n, 'Bulk ' || n, 'bulk' || n || '@example.org' from generate_series(1, 1100) as n`);
    await db.execute(sql`
      insert into users (username, display_name, email) values ('BULK', 'zzz last by name', 'b@example.org')`);
    // On PGlite the inserts above run in this process's thread for seconds, while the client's
    // keep-alive connection from before sat idle past the server's 5 s keep-alive timeout: the first
    // request on it can meet the server closing it (ECONNRESET). This one takes that connection out.
    await f.operator.get('/healthz').catch(() => undefined);
    const users = await f.operator.get<{
      items: { username: string }[];
      total: number;
      totalCapped: boolean;
    }>(`${pathTo(api.users.list)}?q=bulk&limit=20`);
    expect(users.status).toBe(200);
    expect(users.body).toMatchObject({ total: SEARCH_TOTAL_CAP, totalCapped: true });
    expect(users.body.items).toHaveLength(20);
    expect(users.body.items[0]?.username).toBe('BULK');

    const narrow = await f.operator.get<{ items: unknown[]; total: number; totalCapped: boolean }>(
      `${pathTo(api.users.list)}?q=bulk-77&limit=20`,
    );
    // bulk-77 and bulk-770 to bulk-779.
    expect(narrow.body).toMatchObject({ total: 11, totalCapped: false });
    const pastTheEnd = await f.operator.get<{ items: unknown[]; total: number }>(
      `${pathTo(api.users.list)}?q=bulk-77&limit=5&offset=20`,
    );
    expect(pastTheEnd.body).toMatchObject({ items: [], total: 11 });
    const secondPage = await f.operator.get<{ items: unknown[]; total: number }>(
      `${pathTo(api.users.list)}?q=bulk-77&limit=5&offset=10`,
    );
    expect(secondPage.body).toMatchObject({ total: 11 });
    expect(secondPage.body.items).toHaveLength(1);

    const cards = await f.operator.get<{ items: unknown[]; total: number; totalCapped: boolean }>(
      `${pathTo(api.cards.list)}?serial=${encodeURIComponent(f.serial)}&limit=20`,
    );
    expect(cards.body).toMatchObject({ total: 1, totalCapped: false });
    const listed = await f.operator.get<{ total: number; totalCapped: boolean }>(
      `${pathTo(api.users.list)}?limit=5`,
    );
    expect(listed.body).toMatchObject({ total: SEARCH_TOTAL_CAP, totalCapped: true });
  });
});

it('rareTrigrams picks a few trigrams that narrow the sample together, and none of a short term', () => {
  const first = ['maria', 'jose', 'ana', 'luis', 'carlos', 'laura', 'marta', 'david', 'paula', 'sofia'];
  const last = ['garcia', 'rossi', 'weber', 'lopez', 'smith', 'silva', 'kim', 'lee', 'park', 'tran'];
  const values = Array.from(
    { length: 1000 },
    (_, i) => `seed.${first[i % 10] ?? ''}.${last[Math.floor(i / 10) % 10] ?? ''}.${100_000 + i * 37}`,
  );
  const column = columnTrigrams(values, 1_000_000);
  const key = (text: string) => Array.from(text, (char) => asciiKeyOf(char) ?? char.toLowerCase()).join('');
  const having = (pieces: string[]) => values.filter((v) => pieces.every((p) => key(v).includes(p))).length;
  // `seed.jose.rossi.107007`, a value the sample does not have: `ros` and `ssi` are in the same 10 %
  // (every Rossi); the picks must narrow the sample to none, not to every Rossi. Pieces of the key:
  // lower case, `.` as `x`.
  const exact = 'seed.jose.rossi.107007';
  expect(values).not.toContain(exact);
  const pieces = rareTrigrams(exact.toUpperCase(), column) ?? [];
  expect(pieces.length).toBeGreaterThan(0);
  expect(pieces.length).toBeLessThanOrEqual(3);
  for (const piece of pieces) expect(key(exact)).toContain(piece);
  expect(having(pieces)).toBe(0);
  // A trigram the sample never saw is rare enough on its own.
  expect(rareTrigrams('seed.zqx', column)).toEqual(['dxz']);
  // Nothing to gain: a single trigram, no ASCII trigram, or no statistics.
  expect(rareTrigrams('mar', column)).toBeUndefined();
  expect(rareTrigrams('Ez.', column)).toBeUndefined();
  expect(rareTrigrams('ÜNÏcödé', column)).toBeUndefined();
  expect(rareTrigrams('seed.maria', undefined)).toBeUndefined();
  // `ber` alone leaves 100,000 rows to check; the whole key also asks for `übe`, which may be rare.
  expect(rareTrigrams('ÜBERX', column)).toBeUndefined();
  // Pieces that narrow enough are used whatever else the term has.
  expect(rareTrigrams(`Ü${exact}`, column)).toBeDefined();
  expect(having(rareTrigrams(`Ü${exact}`, column) ?? [])).toBe(0);
});

it('scansInOrder reads the table only for a term common all over it', () => {
  const quarterOf = (i: number) => Math.floor(i / 1000);
  // 4,000 sampled values, a quarter of the table each thousand; `smith` in one value of 25 everywhere.
  const values = Array.from({ length: 4000 }, (_, i) => (i % 25 === 0 ? `anna.smith.${i}` : `lee.park.${i}`));
  const column = columnTrigrams(
    values,
    1_000_000,
    values.map((_, i) => quarterOf(i)),
  );
  expect(scansInOrder('smith', column)).toBe(true);
  expect(scansInOrder('SMITH', column)).toBe(true);
  // Matched anywhere in the value, case aside, the sample's values as the ILIKE sees them.
  expect(scansInOrder('NNA.S', column)).toBe(true);
  // Not for a rare term (one value in 100), a short one, or without statistics.
  const rare = values.map((v, i) => (i % 100 === 0 ? `rare.${i}` : v));
  expect(
    scansInOrder(
      'rare.',
      columnTrigrams(
        rare,
        1_000_000,
        rare.map((_, i) => quarterOf(i)),
      ),
    ),
  ).toBe(false);
  expect(scansInOrder('sm', column)).toBe(false);
  expect(scansInOrder('smith', undefined)).toBe(false);
  // Not on the word of too few sampled values, however common they make it.
  const few = columnTrigrams(['smith.1', 'smith.2', 'jones.3', 'jones.4'], 4);
  expect(scansInOrder('smith', few)).toBe(false);
  // Not when one quarter of the table has next to none of it: a scan starting there would read on.
  const clustered = values.map((v, i) => (quarterOf(i) === 2 ? `lee.park.${i}` : v));
  expect(
    scansInOrder(
      'smith',
      columnTrigrams(
        clustered,
        1_000_000,
        clustered.map((_, i) => quarterOf(i)),
      ),
    ),
  ).toBe(false);
  // A quarter the sample barely saw says nothing either way.
  const unseen = values.filter((_, i) => quarterOf(i) !== 3 || i % 100 === 1);
  const unseenQuarters = values.map((_, i) => quarterOf(i)).filter((q, i) => q !== 3 || i % 100 === 1);
  expect(scansInOrder('smith', columnTrigrams(unseen, 1_000_000, unseenQuarters))).toBe(true);
});

it('the search key turns the space and ASCII punctuation into letters, one for one', () => {
  expect(SEARCH_KEY_FROM).toHaveLength(SEARCH_KEY_TO.length);
  expect(SEARCH_KEY_TO).toMatch(/^[a-z]+$/);
  expect(SEARCH_KEY_FROM).not.toMatch(/[A-Za-z0-9;]/);
  for (const char of '%_\\') expect(SEARCH_KEY_FROM).toContain(char);
  expect(Array.from('Ez.1 @-_%;é', asciiKeyOf)).toEqual([
    'e',
    'z',
    'x',
    '1',
    'q',
    'j',
    'k',
    'v',
    'z',
    undefined,
    undefined,
  ]);
});
