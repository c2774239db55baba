/** Reading and writing a software card's JSON state file. Writes are atomic: a crash leaves the old or the new state. */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { CardStateError } from './gids/gids-card-state.js';

/** The parsed JSON of a state file, or undefined when there is none. */
export function readStateFile(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new CardStateError(`cannot read the state file ${path}: ${(error as Error).message}`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new CardStateError(
      `the state file ${path} is not valid JSON; fix it or delete it to start a new card`,
    );
  }
}

/**
 * Writes the state synchronously, so that a counter is on disk before the card answers (as a real card
 * writes its EEPROM before it responds). Mode 0600: the file holds the card's secrets.
 */
export function writeStateFile(path: string, state: unknown): void {
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
  renameSync(temporary, path);
}
