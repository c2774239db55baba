import { z } from 'zod';
import { requireOperator } from '../http/auth-guard.js';
import { bearer, errorResponses } from '../http/responses.js';
import type { App } from '../http/types.js';
import { startInventoryExport } from '../services/card-export.service.js';
import type { ServiceContext } from '../services/context.js';

/** How long one export may take (reading and sending), in seconds. */
const EXPORT_TIMEOUT_SECONDS = 15 * 60;

export function registerCardExportRoutes(app: App, ctx: ServiceContext): void {
  app.get(
    '/api/v1/cards/export.csv',
    {
      schema: {
        tags: ['cards'],
        summary:
          'The card inventory as CSV, in serial order, streamed (admin, auditor): serial, type, state, holder, profile, algorithm, KCV, attempts, registered; never a key',
        security: bearer,
        response: { 200: z.string(), ...errorResponses },
      },
      preHandler: requireOperator(ctx, 'admin', 'auditor'),
      // A large inventory takes minutes to download.
      config: { timeoutSeconds: EXPORT_TIMEOUT_SECONDS },
    },
    async (_request, reply) => {
      const csv = await startInventoryExport(ctx);
      return (
        reply
          .type('text/csv; charset=utf-8')
          .header('content-disposition', 'attachment; filename="cardwarden-cards.csv"')
          // The 200 schema documents the body as CSV text; Fastify sends a stream as it comes.
          .send(csv as unknown as string)
      );
    },
  );
}
