/**
 * `@cardwarden/protocol/challenge`: the challenge a card shows, read by a person. Browser-safe (the web app
 * and the unlock tool share it): parsing with corrections, and grouped, phonetic read-back.
 *
 * @example
 * import { parseChallenge, phoneticReadBack } from '@cardwarden/protocol/challenge';
 * const parsed = parseChallenge('0557 897f 8D84-407B', [16]); // { ok: true, hex: '0557897F8D84407B', … }
 * const spoken = phoneticReadBack('0557897F8D84407B');
 */
export * from './challenge.js';
export * from './read-back.js';
