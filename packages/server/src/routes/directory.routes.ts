import { api } from '@cardwarden/contract';
import { fromContract } from '../http/contract-route.js';
import { operatorOf, requireOperator } from '../http/auth-guard.js';
import type { App } from '../http/types.js';
import type { ServiceContext } from '../services/context.js';
import {
  directoryStatus,
  syncDirectory,
  testDirectoryConnection,
} from '../services/directory-sync.service.js';
import { unitOfWork } from '../db/unit-of-work.js';

export function registerDirectoryRoutes(app: App, ctx: ServiceContext): void {
  /** Opens each transaction of the use cases here that have phases outside one. */
  const uow = unitOfWork(ctx.db);
  app.route({
    ...fromContract(api.directory.sync),
    preHandler: requireOperator(ctx, 'admin'),
    handler: (request) => syncDirectory(ctx, uow, operatorOf(request), request.query.dryRun),
  });

  app.route({
    ...fromContract(api.directory.status),
    preHandler: requireOperator(ctx, 'admin'),
    handler: () => directoryStatus(ctx),
  });

  app.route({
    ...fromContract(api.directory.test),
    preHandler: requireOperator(ctx, 'admin'),
    handler: () => testDirectoryConnection(ctx),
  });
}
