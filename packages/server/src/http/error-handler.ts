/**
 * One place that turns every failure into `{"error":{"code","message"}}` with the right status. Bad
 * input is always a 4xx; anything unexpected is a bare 500 that is logged and reveals nothing.
 */
import type { FastifyError } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { ERROR_CODES, type ErrorCode } from '@cardwarden/contract';
import { AppError } from '../errors.js';
import type { App } from './types.js';

/** The error envelope. */
export function errorBody(code: ErrorCode, message: string): { error: { code: ErrorCode; message: string } } {
  return { error: { code, message } };
}

function sendError(
  reply: { code(status: number): { send(body: unknown): unknown } },
  code: ErrorCode,
  message: string,
  extra: Record<string, unknown> = {},
) {
  return reply.code(ERROR_CODES[code]).send({ error: { code, message }, ...extra });
}

const FASTIFY_CODES: Record<string, ErrorCode> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'request.unsupported_media_type',
  FST_ERR_CTP_BODY_TOO_LARGE: 'request.too_large',
};

export function installErrorHandling(app: App): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof AppError) {
      // Lockouts and throttles say when to come back, in the body and as the standard header.
      if (typeof error.extra.retryAfter === 'number')
        void reply.header('retry-after', String(error.extra.retryAfter));
      return sendError(reply, error.code, error.message, error.extra);
    }
    if (hasZodFastifySchemaValidationErrors(error)) {
      const where = error.validationContext ?? 'request';
      const issues = error.validation
        .slice(0, 5)
        .map((issue) => {
          const path = issue.instancePath.replace(/^\//, '').replace(/\//g, '.');
          return `${where}${path ? `.${path}` : ''}: ${issue.message ?? 'is invalid'}`;
        })
        .join('; ');
      return sendError(reply, 'request.invalid', issues);
    }
    const mapped = FASTIFY_CODES[error.code];
    if (mapped) return sendError(reply, mapped, error.message);
    if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) {
      // Malformed JSON, empty body with a JSON content type and the like.
      return sendError(reply, 'request.invalid', error.message);
    }
    request.log.error({ err: error }, 'unexpected error');
    return sendError(reply, 'internal.error', 'something went wrong on the server; it has been logged');
  });

  app.setNotFoundHandler((request, reply) =>
    sendError(
      reply,
      'request.not_found',
      `no such endpoint: ${request.method} ${request.url.split('?')[0] ?? ''}`,
    ),
  );
}
