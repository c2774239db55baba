/**
 * What the Challenge field shows while someone types: progress, the digits in groups of four, the
 * look-alikes it corrected, what is wrong (with the position) and, once complete, the read-back.
 * Built on the protocol's browser-safe challenge codec, so the UI and the server read input the same way.
 */
import { analyzeChallenge, groupHex, phoneticReadBack } from '@cardwarden/protocol/challenge';
import { t } from '../i18n/index.js';

export interface ChallengeView {
  /** The hex digits read so far, upper case. */
  readonly digits: string;
  readonly groups: readonly string[];
  /** "12 of 16 characters". */
  readonly progress: string;
  /** An error to show on the field now; null while the input is fine so far (even if incomplete). */
  readonly error: string | null;
  /** Notes on look-alike characters read as digits. */
  readonly corrections: readonly string[];
  readonly complete: boolean;
  /** The phonetic read-back, once complete. */
  readonly phonetic: string | null;
}

function describeCharacter(character: string): string {
  const code = character.codePointAt(0) ?? 0;
  return code >= 0x21 && code !== 0x7f ? character : `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
}

/**
 * Reads `input` for a card whose challenge has `expectedLength` hex digits.
 * @example viewChallenge('0557 897f', 16).progress === '8 of 16 characters'
 */
export function viewChallenge(input: string, expectedLength: number): ChallengeView {
  const analysis = analyzeChallenge(input, [expectedLength]);
  const count = analysis.digits.length;
  let error: string | null = null;
  const [firstBad, ...moreBad] = analysis.badCharacters;
  if (firstBad) {
    error =
      moreBad.length === 0
        ? t('unblock.badCharacter', {
            character: describeCharacter(firstBad.character),
            position: firstBad.position,
          })
        : t('unblock.badCharacters', {
            list: analysis.badCharacters
              .map((bad) => `“${describeCharacter(bad.character)}” (${bad.position})`)
              .join(', '),
          });
  } else if (count > expectedLength) {
    error = t('unblock.tooLong', { count, expected: expectedLength });
  }
  const complete = analysis.complete && error === null;
  return {
    digits: analysis.digits,
    groups: groupHex(analysis.digits),
    progress: t(complete ? 'unblock.progressDone' : 'unblock.progress', { count, expected: expectedLength }),
    error,
    corrections: analysis.corrections.map((c) =>
      t('unblock.corrected', { from: c.from, to: c.to, position: c.position }),
    ),
    complete,
    phonetic: complete ? phoneticReadBack(analysis.digits) : null,
  };
}
