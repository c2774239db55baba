// Which system parts (services, tools) the test suites need, and which of them this machine has.
import { existsSync, readFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';

export const SYSTEM_PARTS = JSON.parse(readFileSync(new URL('./system-parts.json', import.meta.url), 'utf8'));

function onPath(command) {
  return (process.env.PATH ?? '')
    .split(delimiter)
    .concat(['/usr/sbin', '/sbin'])
    .some((dir) => dir && existsSync(join(dir, command)));
}

/** The ids of the parts present here. */
export function presentParts() {
  return SYSTEM_PARTS.filter(
    (part) =>
      (!part.env || Boolean(process.env[part.env])) &&
      part.commands.every(onPath) &&
      part.files.every((file) => existsSync(file)),
  ).map((part) => part.id);
}
