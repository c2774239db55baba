import { z } from 'zod';
import { AuditList, AuditQuery } from '@cardwarden/contract';
import { requireOperator } from '../http/auth-guard.js';
import { bearer, errorResponses } from '../http/responses.js';
import type { App } from '../http/types.js';
import { auditEventsToCsv, findAuditEvents } from '../services/audit.service.js';
import type { ServiceContext } from '../services/context.js';

export function registerAuditRoutes(app: App, ctx: ServiceContext): void {
  const tags = ['audit'];
  // Every operator role may read the trail: the help desk looks up a card's history too.
  const readers = requireOperator(ctx);
  app.get(
    '/api/v1/audit',
    {
      schema: {
        tags,
        summary: 'The audit trail, newest first, with filters',
        security: bearer,
        querystring: AuditQuery,
        response: { 200: AuditList, ...errorResponses },
      },
      preHandler: readers,
    },
    (request) => findAuditEvents(ctx, request.query),
  );
  app.get(
    '/api/v1/audit/export.csv',
    {
      schema: {
        tags,
        summary: 'The filtered audit trail as CSV (up to 100,000 events)',
        security: bearer,
        querystring: AuditQuery.omit({ limit: true, offset: true }),
        response: { 200: z.string(), ...errorResponses },
      },
      preHandler: readers,
    },
    async (request, reply) => {
      const { items } = await findAuditEvents(ctx, { ...request.query, limit: 100_000, offset: 0 });
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', 'attachment; filename="cardwarden-audit.csv"')
        .send(auditEventsToCsv(items));
    },
  );
}
