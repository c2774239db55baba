import {
  DirectoryConnectionTest,
  DirectoryStatus,
  DirectorySyncQuery,
  DirectorySyncResult,
} from '@cardwarden/contract';
import { operatorOf, requireOperator } from '../http/auth-guard.js';
import { bearer, errorResponses } from '../http/responses.js';
import type { App } from '../http/types.js';
import type { ServiceContext } from '../services/context.js';
import {
  directoryStatus,
  syncDirectory,
  testDirectoryConnection,
} from '../services/directory-sync.service.js';

export function registerDirectoryRoutes(app: App, ctx: ServiceContext): void {
  app.post(
    '/api/v1/directory/sync',
    {
      schema: {
        tags: ['directory'],
        summary:
          'Sync users and staff from LDAP / Active Directory and answer when done (admin; audited). A request while a sync runs gets that run’s counts; ?dryRun=true only reports',
        security: bearer,
        querystring: DirectorySyncQuery,
        response: { 200: DirectorySyncResult, ...errorResponses },
      },
      preHandler: requireOperator(ctx, 'admin'),
    },
    (request) => syncDirectory(ctx, operatorOf(request), request.query.dryRun),
  );

  app.get(
    '/api/v1/directory',
    {
      schema: {
        tags: ['directory'],
        summary:
          'The directory settings (never the password), group → role mapping, the sync in progress, the last sync, and how many accounts came from the directory (admin)',
        security: bearer,
        response: { 200: DirectoryStatus, ...errorResponses },
      },
      preHandler: requireOperator(ctx, 'admin'),
    },
    () => directoryStatus(ctx),
  );

  app.post(
    '/api/v1/directory/test',
    {
      schema: {
        tags: ['directory'],
        summary:
          'Test the connection: connect, bind as the service account and read a few users, saying which step failed (admin; writes nothing)',
        security: bearer,
        response: { 200: DirectoryConnectionTest, ...errorResponses },
      },
      preHandler: requireOperator(ctx, 'admin'),
    },
    () => testDirectoryConnection(ctx),
  );
}
