/** Builds the HTTP application: routes, validation, errors, OpenAPI, web portals. */
import Fastify, {
  type FastifyError,
  type FastifyReply,
  type FastifyRequest,
  type FastifyServerOptions,
} from 'fastify';
import fastifySwagger from '@fastify/swagger';
import {
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import { errorBody, installErrorHandling } from './http/error-handler.js';
import { installSecurityHeaders } from './http/security-headers.js';
import type { App } from './http/types.js';
import { installWebPortals, isPortalRoute } from './http/web-portals.js';
import { registerAuditRoutes } from './routes/audit.routes.js';
import { registerAuthRoutes } from './routes/auth.routes.js';
import { registerCardRoutes } from './routes/card.routes.js';
import { registerHealthRoutes } from './routes/health.routes.js';
import { registerOfflineUnblockRoutes } from './routes/offline-unblock.routes.js';
import { registerOperatorRoutes } from './routes/operator.routes.js';
import { registerProfileRoutes } from './routes/profile.routes.js';
import { registerOnlineUnlockRoutes } from './routes/online-unlock.routes.js';
import { registerSecurityQuestionRoutes } from './routes/security-question.routes.js';
import { registerSelfServiceRoutes } from './routes/self-service.routes.js';
import { registerSettingsRoutes } from './routes/settings.routes.js';
import { registerAdminKeyRoutes } from './routes/admin-key.routes.js';
import { registerUserRoutes } from './routes/user.routes.js';
import type { ServiceContext } from './services/context.js';

export const API_VERSION = '0.1.0';

function rejectBadUrl(error: FastifyError, _request: FastifyRequest, reply: FastifyReply): void {
  void reply.code(400).send(errorBody('request.invalid', `the request URL is not valid: ${error.message}`));
}

export interface AppOptions {
  readonly logger: FastifyServerOptions['logger'];
  readonly trustProxy: boolean | string;
  readonly webRoot?: string | undefined;
}

export async function buildApp(ctx: ServiceContext, options: AppOptions): Promise<App> {
  const app = Fastify({
    logger: options.logger,
    trustProxy: options.trustProxy,
    bodyLimit: 64 * 1024,
    // Ids and challenges are short; anything longer is not ours.
    routerOptions: { maxParamLength: 200 },
    // A malformed URL or an over-long path parameter, found before any route runs.
    frameworkErrors: rejectBadUrl,
  }).withTypeProvider<ZodTypeProvider>();

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.decorateRequest('actor', null);
  app.decorateRequest('tokenId', null);
  installErrorHandling(app);
  installSecurityHeaders(app);

  await app.register(fastifySwagger, {
    openapi: {
      info: {
        title: 'Cardwarden API',
        version: API_VERSION,
        description:
          'Smart-card PIN unblock: users, card profiles, cards with sealed admin keys, operator offline unblock, audit. ' +
          'Errors are `{"error":{"code":"area.reason","message":"…"}}`.',
      },
      components: { securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer' } } },
    },
    transform: jsonSchemaTransform,
  });

  registerHealthRoutes(app, ctx);
  registerAuthRoutes(app, ctx);
  registerOperatorRoutes(app, ctx);
  registerUserRoutes(app, ctx);
  registerProfileRoutes(app, ctx);
  registerCardRoutes(app, ctx);
  registerOfflineUnblockRoutes(app, ctx);
  registerAuditRoutes(app, ctx);
  registerSelfServiceRoutes(app, ctx);
  registerSecurityQuestionRoutes(app, ctx);
  registerOnlineUnlockRoutes(app, ctx);
  registerSettingsRoutes(app, ctx);
  registerAdminKeyRoutes(app, ctx);
  app.get('/api/openapi.json', { schema: { hide: true } }, () => app.swagger());

  const portals = await installWebPortals(app, options.webRoot);
  if (portals) {
    app.addHook('onRequest', async (request, reply) => {
      // Client-side routes (/self-service, /users/…) get the app; the app routes them.
      if (isPortalRoute(request.method, request.url) && request.url !== '/') {
        await reply.sendFile('index.html');
      }
    });
  }
  return app;
}
