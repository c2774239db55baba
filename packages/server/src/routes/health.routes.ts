import { api } from '@cardwarden/contract';
import { fromContract } from '../http/contract-route.js';
import type { App } from '../http/types.js';
import type { ServiceContext } from '../services/context.js';
import { AppError } from '../errors.js';
import { pingDatabase } from '../repositories/health.repository.js';

/** How long the readiness probe waits for the database. */
const READY_TIMEOUT_SECONDS = 2;

export function registerHealthRoutes(app: App, ctx: ServiceContext): void {
  app.route({
    ...fromContract(api.health.alive),
    handler: () => ({ status: 'ok' as const }),
  });
  app.route({
    ...fromContract(api.health.ready),
    config: { timeoutSeconds: READY_TIMEOUT_SECONDS },
    handler: async () => {
      try {
        await pingDatabase(ctx.db);
      } catch {
        throw new AppError('internal.unavailable', 'the database does not answer; the server keeps trying');
      }
      return { status: 'ok' as const };
    },
  });
}
