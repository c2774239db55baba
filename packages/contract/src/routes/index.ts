/**
 * The route table: every endpoint of the REST API with its method, path, schemas and error statuses.
 * The server registers its routes from it; the web portals, the unlock tool, the import command, the
 * credential provider (through a generated header) and the tests call the API through it.
 */
import { adminKeys } from './admin-keys.js';
import { audit } from './audit.js';
import { cards } from './cards.js';
import { directory } from './directory.js';
import { imports } from './imports.js';
import { issuances } from './issuances.js';
import { offlineUnblocks } from './offline-unblocks.js';
import type { RouteDefinition } from './route.js';

export * from './route.js';

export const api = {
  adminKeys,
  audit,
  cards,
  directory,
  imports,
  issuances,
  offlineUnblocks,
};

/** Every route of the table, in a flat list. */
export const allRoutes: readonly RouteDefinition[] = Object.values(api).flatMap((area) =>
  Object.values(area as Record<string, RouteDefinition>),
);
