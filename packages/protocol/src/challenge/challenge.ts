/**
 * Challenge input made for the phone: forgiving of how people type, strict about what they mean.
 *
 * Accepts either case, spaces and dashes; maps the look-alikes O→0 and I/L→1 (none of them is a hex
 * digit, so the mapping is unambiguous) and reports each correction so a UI can show it; rejects
 * anything else with a message that names the character and where it stands. Browser-safe.
 */

/** A look-alike character that was read as a hex digit. `position` is 1-based in the typed text. */
export interface ChallengeCorrection {
  readonly position: number;
  readonly from: string;
  readonly to: string;
}

export type ChallengeProblem =
  | { readonly code: 'challenge.empty'; readonly message: string }
  | {
      readonly code: 'challenge.bad_character';
      readonly message: string;
      readonly position: number;
      readonly character: string;
    }
  | {
      readonly code: 'challenge.bad_length';
      readonly message: string;
      readonly length: number;
      readonly expected: readonly number[];
    };

export interface ChallengeAnalysis {
  /** The hex digits read so far, upper case, separators dropped and look-alikes corrected. */
  readonly digits: string;
  readonly corrections: readonly ChallengeCorrection[];
  /** Characters that are neither hex digits, look-alikes nor separators (1-based positions). */
  readonly badCharacters: readonly { readonly position: number; readonly character: string }[];
  readonly expectedLengths: readonly number[];
  /** True when the input is a valid challenge of one of the expected lengths. */
  readonly complete: boolean;
  /** Why the input is not (yet) a valid challenge; null when it is. */
  readonly problem: ChallengeProblem | null;
}

export type ChallengeParseResult =
  | {
      readonly ok: true;
      readonly hex: string;
      readonly bytes: Uint8Array;
      readonly corrections: readonly ChallengeCorrection[];
    }
  | { readonly ok: false; readonly problem: ChallengeProblem };

/** Lengths in hex digits: 8-byte (3DES) or 16-byte (AES) challenges. */
export const ANY_CHALLENGE_LENGTH: readonly number[] = [16, 32];

const LOOK_ALIKES: Readonly<Record<string, string>> = { O: '0', o: '0', I: '1', i: '1', L: '1', l: '1' };
// Dashes people or their clipboards produce: hyphen-minus, hyphen, non-breaking hyphen, figure/en/em dash, minus.
const SEPARATOR = /^[\s\-\u2010\u2011\u2012\u2013\u2014\u2212]$/u;

function describeExpected(expected: readonly number[]): string {
  return expected.join(' or ');
}

function describeCharacter(character: string): string {
  const code = character.codePointAt(0) ?? 0;
  const printable = code >= 0x20 && code !== 0x7f;
  return printable ? `'${character}'` : `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
}

/**
 * Reads `input` as far as it goes, for validation as the user types.
 * @example analyzeChallenge('0557 897f', [16]).digits === '0557897F' // incomplete, problem bad_length
 */
export function analyzeChallenge(
  input: string,
  expectedLengths: readonly number[] = ANY_CHALLENGE_LENGTH,
): ChallengeAnalysis {
  let digits = '';
  const corrections: ChallengeCorrection[] = [];
  const badCharacters: { position: number; character: string }[] = [];
  let position = 0;
  for (const character of input) {
    position++;
    if (/^[0-9a-fA-F]$/.test(character)) {
      digits += character.toUpperCase();
    } else if (LOOK_ALIKES[character] !== undefined) {
      const to = LOOK_ALIKES[character];
      digits += to;
      corrections.push({ position, from: character, to });
    } else if (!SEPARATOR.test(character)) {
      badCharacters.push({ position, character });
    }
  }

  let problem: ChallengeProblem | null = null;
  const firstBad = badCharacters[0];
  if (firstBad) {
    problem = {
      code: 'challenge.bad_character',
      message: `${describeCharacter(firstBad.character)} at position ${firstBad.position} is not a hex digit (use 0-9 and A-F)`,
      position: firstBad.position,
      character: firstBad.character,
    };
  } else if (digits.length === 0) {
    problem = { code: 'challenge.empty', message: 'enter the challenge shown on the card holder’s screen' };
  } else if (!expectedLengths.includes(digits.length)) {
    problem = {
      code: 'challenge.bad_length',
      message: `challenge was ${digits.length} hex characters, expected ${describeExpected(expectedLengths)}`,
      length: digits.length,
      expected: expectedLengths,
    };
  }
  return { digits, corrections, badCharacters, expectedLengths, complete: problem === null, problem };
}

/**
 * Parses a typed challenge into bytes, or says exactly what is wrong.
 * @example parseChallenge('0557 897f 8D84-407B', [16]) // { ok: true, hex: '0557897F8D84407B', … }
 */
export function parseChallenge(
  input: string,
  expectedLengths: readonly number[] = ANY_CHALLENGE_LENGTH,
): ChallengeParseResult {
  const analysis = analyzeChallenge(input, expectedLengths);
  if (analysis.problem) return { ok: false, problem: analysis.problem };
  const bytes = new Uint8Array(analysis.digits.length / 2);
  for (let i = 0; i < bytes.length; i++) {
    bytes[i] = Number.parseInt(analysis.digits.slice(2 * i, 2 * i + 2), 16);
  }
  return { ok: true, hex: analysis.digits, bytes, corrections: analysis.corrections };
}
