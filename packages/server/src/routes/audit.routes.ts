import { api } from '@cardwarden/contract';
import { fromContract } from '../http/contract-route.js';
import { requireOperator } from '../http/auth-guard.js';
import type { App } from '../http/types.js';
import { AppError } from '../errors.js';
import { EXPORT_RETRY_SECONDS, startAuditExport } from '../services/audit-export.service.js';
import { findAuditEvents } from '../services/audit.service.js';
import type { ServiceContext } from '../services/context.js';

/** How long one export may take (reading and sending), in seconds. */
const EXPORT_TIMEOUT_SECONDS = 15 * 60;

export function registerAuditRoutes(app: App, ctx: ServiceContext): void {
  // Every operator role may read the trail: the help desk looks up a card's history too.
  const readers = requireOperator(ctx);
  app.route({
    ...fromContract(api.audit.list),
    preHandler: readers,
    handler: (request) => findAuditEvents(ctx, request.query),
  });
  app.route({
    ...fromContract(api.audit.exportCsv),
    preHandler: readers,
    // A large trail takes minutes to read and download.
    config: { timeoutSeconds: EXPORT_TIMEOUT_SECONDS },
    handler: async (request, reply) => {
      try {
        const csv = await startAuditExport(ctx, request.query, {
          timeoutMs: EXPORT_TIMEOUT_SECONDS * 1000,
          onError: (error) => {
            request.log.error({ err: error }, 'audit export failed part way');
          },
        });
        return await reply
          .type('text/csv; charset=utf-8')
          .header('content-disposition', 'attachment; filename="cardwarden-audit.csv"')
          // The 200 schema documents the body as CSV text; Fastify sends a stream as it comes.
          .send(csv);
      } catch (error) {
        if (error instanceof AppError && error.code === 'audit.export_busy') {
          void reply.header('retry-after', String(EXPORT_RETRY_SECONDS));
        }
        throw error;
      }
    },
  });
}
