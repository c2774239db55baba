import { ImportQuery, ImportRefusal, ImportResult, TRANSPORT_KEY_HEADER } from '@cardwarden/contract';
import { operatorOf, requireOperator } from '../http/auth-guard.js';
import { bearer, errorResponses } from '../http/responses.js';
import type { App } from '../http/types.js';
import { AppError } from '../errors.js';
import { importCards } from '../services/import.service.js';
import type { ServiceContext } from '../services/context.js';

/** The largest import file: 50 MB and more (about 400,000 cards with clear keys). */
export const IMPORT_BODY_LIMIT = 64 * 1024 * 1024;
/** How long an import may take, sending the file (up to 180 s) included, to check and write, in seconds. */
export const IMPORT_TIMEOUT_SECONDS = 240;

export function registerImportRoutes(app: App, ctx: ServiceContext): void {
  // The file as bytes: the import checks its encoding (UTF-8, no BOM) itself and says which line is wrong.
  // Only the import route accepts more than the server's 64 KiB body limit (its own bodyLimit below).
  app.addContentTypeParser('text/csv', { parseAs: 'buffer' }, (_request, body, done) => {
    done(null, body);
  });
  app.post(
    '/api/v1/imports',
    {
      schema: {
        tags: ['cards'],
        summary:
          'Import users and cards with their admin keys from CSV (admin; body text/csv; all or nothing; ?dryRun=true checks only). A refused file answers 422 with every bad line',
        security: bearer,
        querystring: ImportQuery,
        response: { 200: ImportResult, 201: ImportResult, ...errorResponses, 422: ImportRefusal },
      },
      // Before the body is read: an anonymous caller does not get to upload 64 MB.
      onRequest: requireOperator(ctx, 'admin'),
      bodyLimit: IMPORT_BODY_LIMIT,
      // A 50 MB file takes a minute or more to send on a slow link.
      config: { timeoutSeconds: IMPORT_TIMEOUT_SECONDS, uploadTimeoutSeconds: 180 },
    },
    async (request, reply) => {
      if (!Buffer.isBuffer(request.body)) {
        throw new AppError(
          'request.unsupported_media_type',
          'send the CSV file as the body with Content-Type: text/csv',
        );
      }
      const header = request.headers[TRANSPORT_KEY_HEADER];
      const outcome = await importCards(ctx, operatorOf(request), request.body, {
        dryRun: request.query.dryRun,
        transportKey: Array.isArray(header) ? header[0] : header,
        timeoutSeconds: IMPORT_TIMEOUT_SECONDS,
      });
      if (!outcome.ok) return reply.code(422).send(outcome.report);
      return reply.code(outcome.result.dryRun ? 200 : 201).send(outcome.result);
    },
  );
}
