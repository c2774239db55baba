import { createHash } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { api, TRANSPORT_KEY_HEADER } from '@cardwarden/contract';
import { fromContract } from '../http/contract-route.js';
import { operatorOf, requireOperator } from '../http/auth-guard.js';
import type { App } from '../http/types.js';
import { AppError } from '../errors.js';
import { importCards, importProgress } from '../services/import.service.js';
import type { ServiceContext } from '../services/context.js';
import { unitOfWork } from '../db/unit-of-work.js';

/** The largest import file: 50 MB and more (about 400,000 cards with clear keys). */
export const IMPORT_BODY_LIMIT = 64 * 1024 * 1024;
/** How long an import may take, sending the file (up to 180 s) included, to check and write, in seconds. */
export const IMPORT_TIMEOUT_SECONDS = 240;

/** A digest of the request's bearer token (progress is shown to the token that started the import). */
function tokenDigest(request: FastifyRequest): string | undefined {
  const match = /^Bearer\s+(\S{16,512})$/i.exec(request.headers.authorization?.trim() ?? '');
  return match?.[1] ? createHash('sha256').update(match[1]).digest('hex') : undefined;
}

export function registerImportRoutes(app: App, ctx: ServiceContext): void {
  // The file as bytes: the import checks its encoding (UTF-8, no BOM) and its syntax itself and says which
  // line is wrong. Only the import route accepts more than the server's 64 KiB body limit (its own
  // bodyLimit below). A scope of its own, so that only the import route takes JSON as bytes.
  void app.register((scope: App, _options, done) => {
    scope.addContentTypeParser('text/csv', { parseAs: 'buffer' }, (_request, body, parsed) => {
      parsed(null, body);
    });
    scope.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_request, body, parsed) => {
      parsed(null, body);
    });
    registerImport(scope, ctx);
    done();
  });
  app.route({
    ...fromContract(api.imports.progress),
    // Not async: answered from memory, nothing to wait for.
    handler: (request, reply) => {
      const digest = tokenDigest(request);
      if (!digest) {
        throw new AppError('auth.unauthenticated', 'sign in first: send Authorization: Bearer <token>');
      }
      const progress = importProgress(ctx, digest);
      if (!progress) {
        throw new AppError(
          'import.not_running',
          'no import sent with this sign-in is running on this server; the answer of the import request has its result',
        );
      }
      void reply.send(progress);
    },
  });
}

function registerImport(app: App, ctx: ServiceContext): void {
  app.route({
    ...fromContract(api.imports.run),
    // Before the body is read: an anonymous caller does not get to upload 64 MB.
    onRequest: requireOperator(ctx, 'admin'),
    bodyLimit: IMPORT_BODY_LIMIT,
    // A 50 MB file takes a minute or more to send on a slow link.
    config: { timeoutSeconds: IMPORT_TIMEOUT_SECONDS, uploadTimeoutSeconds: 180 },
    handler: async (request, reply) => {
      if (!Buffer.isBuffer(request.body)) {
        throw new AppError(
          'request.unsupported_media_type',
          'send the file as the body with Content-Type: text/csv (CSV) or application/json (JSON)',
        );
      }
      const contentType = request.headers['content-type'] ?? '';
      const header = request.headers[TRANSPORT_KEY_HEADER];
      const outcome = await importCards(ctx, unitOfWork(ctx.db), operatorOf(request), request.body, {
        dryRun: request.query.dryRun,
        format: /^application\/json\b/i.test(contentType) ? 'json' : 'csv',
        tokenDigest: tokenDigest(request) ?? '',
        transportKey: Array.isArray(header) ? header[0] : header,
        timeoutSeconds: IMPORT_TIMEOUT_SECONDS,
      });
      if (!outcome.ok) return reply.code(422).send(outcome.report);
      return reply.code(outcome.result.dryRun ? 200 : 201).send(outcome.result);
    },
  });
}
