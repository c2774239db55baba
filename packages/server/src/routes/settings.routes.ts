import { api } from '@cardwarden/contract';
import { fromContract } from '../http/contract-route.js';
import { operatorOf, requireOperator } from '../http/auth-guard.js';
import type { App } from '../http/types.js';
import type { ServiceContext } from '../services/context.js';
import { getSettings, updateSettings } from '../services/settings.service.js';
import { unitOfWork } from '../db/unit-of-work.js';

export function registerSettingsRoutes(app: App, ctx: ServiceContext): void {
  /** Opens each transaction of the use cases here that have phases outside one. */
  const uow = unitOfWork(ctx.db);
  app.route({
    ...fromContract(api.settings.get),
    preHandler: requireOperator(ctx),
    handler: () => getSettings(ctx),
  });
  app.route({
    ...fromContract(api.settings.update),
    preHandler: requireOperator(ctx, 'admin'),
    handler: (request) => updateSettings(ctx, uow, operatorOf(request), request.body),
  });
}
