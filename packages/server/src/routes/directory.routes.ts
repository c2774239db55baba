import { DirectorySyncQuery, DirectorySyncResult } from '@cardwarden/contract';
import { operatorOf, requireOperator } from '../http/auth-guard.js';
import { bearer, errorResponses } from '../http/responses.js';
import type { App } from '../http/types.js';
import type { ServiceContext } from '../services/context.js';
import { syncDirectory } from '../services/directory-sync.service.js';

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
}
