import { describe } from 'vitest';
// A plain ESM script, shared with scripts/test.mjs (which runs before anything is built).
import { SYSTEM_PARTS, presentParts } from '../../../scripts/system-parts.mjs';

export type SystemPartId =
  'postgresql' | 'pcscd' | 'opensc' | 'yubico-piv-tool' | 'chromium' | 'slapd' | 'wine' | 'softhsm2';

const present: readonly string[] =
  process.env.CARDWARDEN_TEST_PARTS !== undefined
    ? process.env.CARDWARDEN_TEST_PARTS.split(',')
    : presentParts();

/** Whether every named system part is present on this machine. */
export function hasParts(...parts: SystemPartId[]): boolean {
  return parts.every((part) => present.includes(part));
}

/**
 * A `describe` that runs only when the named system parts are present; otherwise the suite is skipped
 * and `npm test` names it, with the apt-get line it needs (it reads the `[needs …]` tag in the title).
 * @example describeWith(['pcscd', 'opensc'], 'gids-tool against the software GIDS card', () => { … })
 */
export function describeWith(parts: SystemPartId[], name: string, body: () => void): void {
  const missing = parts.filter((part) => !present.includes(part));
  const known = SYSTEM_PARTS.map((p) => p.id);
  for (const part of parts) if (!known.includes(part)) throw new Error(`unknown system part ${part}`);
  if (missing.length === 0) describe(name, body);
  else describe.skip(`${name} [needs ${missing.join(' ')}]`, body);
}
