import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { ErrorBody } from '@cardwarden/contract';
import type { App } from '../http/types.js';
import type { ServiceContext } from '../services/context.js';
import { AppError } from '../errors.js';

export function registerHealthRoutes(app: App, ctx: ServiceContext): void {
  app.get(
    '/healthz',
    {
      schema: {
        tags: ['health'],
        summary: 'Ready: the server answers and its database too',
        response: { 200: z.object({ status: z.literal('ok') }), 503: ErrorBody },
      },
    },
    async () => {
      try {
        await ctx.db.execute(sql`select 1`);
      } catch {
        throw new AppError('internal.unavailable', 'the database does not answer');
      }
      return { status: 'ok' as const };
    },
  );
}
