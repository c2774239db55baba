import { api } from '@cardwarden/contract';
import { fromContract } from '../http/contract-route.js';
import { requireOperator } from '../http/auth-guard.js';
import type { App } from '../http/types.js';
import { startInventoryExport } from '../services/card-export.service.js';
import type { ServiceContext } from '../services/context.js';

/** How long one export may take (reading and sending), in seconds. */
const EXPORT_TIMEOUT_SECONDS = 15 * 60;

export function registerCardExportRoutes(app: App, ctx: ServiceContext): void {
  app.route({
    ...fromContract(api.cards.exportCsv),
    preHandler: requireOperator(ctx, 'admin', 'auditor'),
    // A large inventory takes minutes to download.
    config: { timeoutSeconds: EXPORT_TIMEOUT_SECONDS },
    handler: async (_request, reply) => {
      const csv = await startInventoryExport(ctx);
      return (
        reply
          .type('text/csv; charset=utf-8')
          .header('content-disposition', 'attachment; filename="cardwarden-cards.csv"')
          // The 200 schema documents the body as CSV text; Fastify sends a stream as it comes.
          .send(csv)
      );
    },
  });
}
