// The terms the search benchmarks ask, by category, for a database seeded by seed.mjs.
import { seededSerial, seededUsername } from './seed-names.mjs';

const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000);

// Spread over the seeded range, so that the rows looked up are not all in the same pages.
const some = (count) => Array.from({ length: count }, (_, i) => 1 + Math.floor(((i + 0.5) * ROWS) / count));

export const USER_TERMS = {
  '3-character fragments': ['mar', 'ndo', 'Ez.', 'son', 'lli', 'uki', 'ass', 'rdi', 'ewo', 'ZZQ'],
  'exact usernames': some(10).map(seededUsername),
  'parts of usernames (5+ characters)': some(10).map((n) => seededUsername(n).slice(5, 14)),
  'card serials (exact and part)': some(10).map((n, i) =>
    i % 2 ? seededSerial(n) : seededSerial(n).slice(2, 8),
  ),
  'common terms (100,000+ matches)': [
    'example',
    'seed',
    'maria',
    '.org',
    'garcia',
    'son',
    'ria',
    'ana',
    'lee',
    'a.',
  ],
  'no match': [
    'qqqzz',
    'xyzzy',
    'no such user',
    'zz9zz',
    'Q_Q',
    '100%',
    'ÜBERX',
    'nobody.at.all',
    'kkk',
    'jjj',
  ],
  '1-2 character prefixes': ['s', 'se', 'm', 'x', 'ma', 'zz', 'c', 'q', 'qq', '9'],
};
export const CARD_TERMS = {
  'exact serials': some(10).map(seededSerial),
  'exact serials, lower case': some(10).map((n) => seededSerial(n).toLowerCase()),
  '3-character fragments': ['a3f', '001', '9B2', 'cw0', 'FFF', 'e5e', '123', '7c7', 'b00', 'zzz'],
  'parts of serials (6+ characters)': some(10).map((n) => seededSerial(n).slice(3, 10)),
  'common terms (100,000+ matches)': ['CW', 'cw0', '000', '0001', 'CW1', 'CWA', '00', 'CWF', 'CW9', 'CWE'],
  'no match': ['XYZXYZ', 'no-such-card', 'QQQ', 'CW-', '%%%', 'GHIJ', '___', 'ZZZZZZ', 'KKK', 'JJJ'],
  '1-2 character prefixes': ['C', 'CW', 'c', 'x', 'Q', '0', 'cw', 'Z', 'A', 'B'],
};
