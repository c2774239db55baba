/**
 * `@cardwarden/protocol/gids`: the GIDS card application (Microsoft Generic Identity Device Specification):
 * its commands, data objects and masterfile.
 *
 * @example
 * import { gidsSelect, parseGidsFci } from '@cardwarden/protocol/gids';
 */
export * from './gids-commands.js';
export * from './gids-data-objects.js';
export * from './gids-masterfile.js';
