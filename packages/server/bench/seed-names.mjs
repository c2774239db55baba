// What seed.mjs makes, in JavaScript, so that the search benchmark can ask for rows that exist.
import { createHash } from 'node:crypto';

// Names from a small list combined by n, so that common fragments ("mar", "son", "example") match
// hundreds of thousands of rows while a username or serial matches one, as in a real directory.
export const FIRST =
  `Maria Jose Ana Juan Luis Carlos Laura Marta David Paula Sofia Lucas Emma Noah Olivia Liam Mia Ella
  Hugo Leo Anna Peter Thomas Sarah Julia Daniel Michael Elena Ivan Olga Yuki Hiro Wei Li Chen Amir Fatima Omar
  Aisha Jean Pierre Chloe Lea Louis Marco Giulia Sven Ingrid Lars Astrid`.split(/\s+/);
export const LAST =
  `Garcia Martinez Lopez Gonzalez Rodriguez Fernandez Smith Johnson Williams Brown Jones Miller Davis
  Wilson Anderson Taylor Thomas Moore Martin Jackson Muller Schmidt Schneider Fischer Weber Meyer Wagner Becker
  Rossi Russo Ferrari Esposito Bianchi Romano Dubois Durand Leroy Moreau Simon Laurent Tanaka Suzuki Sato Kim
  Lee Park Nguyen Tran Silva Santos Kowalski Nowak`.split(/\s+/);

/** The username of seeded user n (the SQL in seed.mjs makes the same). */
export function seededUsername(n) {
  const first = FIRST[n % FIRST.length];
  const last = LAST[Math.floor(n / FIRST.length) % LAST.length];
  return `seed.${first}.${last}.${n}`.toLowerCase();
}

/** The serial of seeded card n. */
export function seededSerial(n) {
  const hex = createHash('md5').update(`card${n}`).digest('hex').slice(0, 6).toUpperCase();
  return `CW${hex}${String(n).padStart(7, '0')}`;
}
