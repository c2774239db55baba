import { z } from 'zod';
import { ErrorBody } from '@cardwarden/contract';
import type { App } from '../http/types.js';
import type { ServiceContext } from '../services/context.js';
import { AppError } from '../errors.js';
import { pingDatabase } from '../repositories/health.repository.js';

/** How long the readiness probe waits for the database. */
const READY_TIMEOUT_SECONDS = 2;

export function registerHealthRoutes(app: App, ctx: ServiceContext): void {
  app.get(
    '/healthz',
    {
      schema: {
        tags: ['health'],
        summary: 'Alive: the server process answers (also while its database is down)',
        response: { 200: z.object({ status: z.literal('ok') }) },
      },
    },
    () => ({ status: 'ok' as const }),
  );
  app.get(
    '/readyz',
    {
      schema: {
        tags: ['health'],
        summary: 'Ready: the server and its database answer (503 while the database is unreachable)',
        response: { 200: z.object({ status: z.literal('ok') }), 503: ErrorBody },
      },
      config: { timeoutSeconds: READY_TIMEOUT_SECONDS },
    },
    async () => {
      try {
        await pingDatabase(ctx.db);
      } catch {
        throw new AppError('internal.unavailable', 'the database does not answer; the server keeps trying');
      }
      return { status: 'ok' as const };
    },
  );
}
