/**
 * The route table: every endpoint of the REST API with its method, path, schemas and error statuses.
 * The server registers its routes from it; the web portals, the unlock tool, the import command, the
 * credential provider (through a generated header) and the tests call the API through it.
 */
import { adminKeys } from './admin-keys.js';
import { audit } from './audit.js';
import { auth } from './auth.js';
import { cards } from './cards.js';
import { directory } from './directory.js';
import { health } from './health.js';
import { imports } from './imports.js';
import { issuances } from './issuances.js';
import { masters } from './masters.js';
import { offlineUnblocks } from './offline-unblocks.js';
import { onlineUnlock } from './online-unlock.js';
import { operators } from './operators.js';
import { profiles } from './profiles.js';
import { secondFactor } from './second-factor.js';
import { securityQuestions } from './security-questions.js';
import { selfService } from './self-service.js';
import { settings } from './settings.js';
import { sso } from './sso.js';
import { users } from './users.js';
import type { RouteDefinition } from './route.js';

export * from './route.js';

export const api = {
  health,
  auth,
  secondFactor,
  sso,
  operators,
  users,
  profiles,
  masters,
  cards,
  adminKeys,
  issuances,
  imports,
  directory,
  offlineUnblocks,
  audit,
  selfService,
  securityQuestions,
  onlineUnlock,
  settings,
};

/** Every route of the table, in a flat list. */
export const allRoutes: readonly RouteDefinition[] = Object.values(api).flatMap((area) =>
  Object.values(area as Record<string, RouteDefinition>),
);
