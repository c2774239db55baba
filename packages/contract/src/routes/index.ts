/**
 * The route table: every endpoint of the REST API with its method, path, schemas and error statuses.
 * The server registers its routes from it; the web portals, the unlock tool, the import command, the
 * credential provider (through a generated header) and the tests call the API through it.
 */
import { health } from './health.js';
import { offlineUnblocks } from './offline-unblocks.js';
import { onlineUnlock } from './online-unlock.js';
import { selfService } from './self-service.js';
import type { RouteDefinition } from './route.js';

export * from './route.js';

export const api = {
  health,
  offlineUnblocks,
  onlineUnlock,
  selfService,
};

/** Every route of the table, in a flat list. */
export const allRoutes: readonly RouteDefinition[] = Object.values(api).flatMap((area) =>
  Object.values(area as Record<string, RouteDefinition>),
);
