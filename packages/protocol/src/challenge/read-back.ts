/** Presenting hex codes to be read aloud over the phone: groups of four and a phonetic read-back. */

const PHONETIC: Readonly<Record<string, string>> = {
  '0': 'zero',
  '1': 'one',
  '2': 'two',
  '3': 'three',
  '4': 'four',
  '5': 'five',
  '6': 'six',
  '7': 'seven',
  '8': 'eight',
  '9': 'nine',
  A: 'alfa',
  B: 'bravo',
  C: 'charlie',
  D: 'delta',
  E: 'echo',
  F: 'foxtrot',
};

/**
 * Splits a hex code into groups of `size` characters, upper case.
 * @example groupHex('7716f4b2') // ['7716', 'F4B2']
 */
export function groupHex(hex: string, size = 4): string[] {
  const upper = hex.toUpperCase();
  const groups: string[] = [];
  for (let i = 0; i < upper.length; i += size) groups.push(upper.slice(i, i + size));
  return groups;
}

/** The code in groups separated by spaces. @example formatGrouped('7716F4B2') === '7716 F4B2' */
export function formatGrouped(hex: string, size = 4): string {
  return groupHex(hex, size).join(' ');
}

/**
 * Phonetic read-back (NATO/ICAO words for A-F), groups separated by commas.
 * @example phoneticReadBack('7716F4B2') === 'seven seven one six, foxtrot four bravo two'
 */
export function phoneticReadBack(hex: string, size = 4): string {
  return groupHex(hex, size)
    .map((group) => Array.from(group, (digit) => PHONETIC[digit] ?? digit).join(' '))
    .join(', ');
}
