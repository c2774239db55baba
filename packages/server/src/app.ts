/** Builds the HTTP application: routes, validation, errors, OpenAPI, web portals. */
import Fastify, {
  type FastifyError,
  type FastifyReply,
  type FastifyRequest,
  type FastifyServerOptions,
} from 'fastify';
import fastifySwagger from '@fastify/swagger';
import { jsonSchemaTransform, serializerCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { authenticateBeforeValidation } from './http/auth-guard.js';
import { guardedValidatorCompiler } from './http/request-validation.js';
import { errorBody, installErrorHandling } from './http/error-handler.js';
import { installRequestBudget } from './http/request-budget.js';
import { installSecurityHeaders } from './http/security-headers.js';
import { installUploadTimeout, LONGEST_UPLOAD_MS } from './http/upload-timeout.js';
import { installMetricsHooks, registerMetricsRoute } from './http/metrics-endpoint.js';
import { installRequestIdHeader, requestIdOf } from './http/request-id.js';
import type { Metrics } from './observability/metrics.js';
import type { App } from './http/types.js';
import { installWebPortals, isPortalRoute } from './http/web-portals.js';
import { registerAuditRoutes } from './routes/audit.routes.js';
import { registerAuthRoutes } from './routes/auth.routes.js';
import { registerCardRoutes } from './routes/card.routes.js';
import { registerDirectoryRoutes } from './routes/directory.routes.js';
import { registerHealthRoutes } from './routes/health.routes.js';
import { registerIssuanceRoutes } from './routes/issuance.routes.js';
import { registerOfflineUnblockRoutes } from './routes/offline-unblock.routes.js';
import { registerOperatorRoutes } from './routes/operator.routes.js';
import { registerProfileRoutes } from './routes/profile.routes.js';
import { registerMasterRoutes } from './routes/master.routes.js';
import { registerOnlineUnlockRoutes } from './routes/online-unlock.routes.js';
import { registerSecurityQuestionRoutes } from './routes/security-question.routes.js';
import { registerSelfServiceRoutes } from './routes/self-service.routes.js';
import { registerSettingsRoutes } from './routes/settings.routes.js';
import { registerSecondFactorRoutes } from './routes/second-factor.routes.js';
import { registerSsoRoutes } from './routes/sso.routes.js';
import { registerAdminKeyRoutes } from './routes/admin-key.routes.js';
import { registerUserRoutes } from './routes/user.routes.js';
import { registerImportRoutes } from './routes/import.routes.js';
import { registerCardExportRoutes } from './routes/card-export.routes.js';
import { installDeclaredStatusCheck } from './http/declared-statuses.js';
import type { ServiceContext } from './services/context.js';

export const API_VERSION = '0.1.0';

function rejectBadUrl(error: FastifyError, _request: FastifyRequest, reply: FastifyReply): void {
  void reply.code(400).send(errorBody('request.invalid', `the request URL is not valid: ${error.message}`));
}

export interface AppOptions {
  readonly logger: FastifyServerOptions['logger'];
  /** Default statement timeout of a route's queries (routes may set their own: http/request-budget.ts). */
  readonly statementTimeoutMs?: number;
  readonly trustProxy: false | number | string;
  readonly webRoot?: string | undefined;
  /** Request metrics, and `GET /metrics` for admins and auditors; none when undefined. */
  readonly metrics?: Metrics | undefined;
  /** Turn an answer whose status its route does not declare into a 500 (the test suites). */
  readonly strictStatuses?: boolean | undefined;
}

export async function buildApp(ctx: ServiceContext, options: AppOptions): Promise<App> {
  const app = Fastify({
    logger: options.logger,
    // A hop count believes exactly that many entries from the right of X-Forwarded-For.
    trustProxy:
      typeof options.trustProxy === 'number'
        ? (
            (hops: number) => (_address: string, hop: number) =>
              hop < hops
          )(options.trustProxy)
        : options.trustProxy,
    bodyLimit: 64 * 1024,
    // In every log line of the request and in the X-Request-Id header of every answer.
    genReqId: requestIdOf,
    // Idle keep-alive connections close soon; a client that sends its request too slowly is cut off
    // (30 s; the import's large file may take longer: http/upload-timeout.ts); a socket with no traffic
    // at all for two minutes is closed (a streamed export keeps writing).
    keepAliveTimeout: 5_000,
    requestTimeout: LONGEST_UPLOAD_MS,
    connectionTimeout: 120_000,
    // Ids and challenges are short; anything longer is not ours.
    routerOptions: { maxParamLength: 200 },
    // A malformed URL or an over-long path parameter, found before any route runs.
    frameworkErrors: rejectBadUrl,
  }).withTypeProvider<ZodTypeProvider>();

  app.setValidatorCompiler(guardedValidatorCompiler);
  authenticateBeforeValidation(app);
  app.setSerializerCompiler(serializerCompiler);
  app.decorateRequest('actor', null);
  app.decorateRequest('tokenId', null);
  app.decorateRequest('secondFactorPending', false);
  installErrorHandling(app);
  installRequestIdHeader(app);
  installUploadTimeout(app);
  if (options.metrics) installMetricsHooks(app, options.metrics);
  installSecurityHeaders(app);
  installDeclaredStatusCheck(app, options.strictStatuses === true);
  installRequestBudget(app, options.statementTimeoutMs ?? 5_000);

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
  registerSecondFactorRoutes(app, ctx);
  registerOperatorRoutes(app, ctx);
  registerUserRoutes(app, ctx);
  registerProfileRoutes(app, ctx);
  registerMasterRoutes(app, ctx);
  // The export's fixed path before the card routes' /cards/{id}.
  registerCardExportRoutes(app, ctx);
  registerCardRoutes(app, ctx);
  registerIssuanceRoutes(app, ctx);
  registerImportRoutes(app, ctx);
  registerOfflineUnblockRoutes(app, ctx);
  registerAuditRoutes(app, ctx);
  registerSelfServiceRoutes(app, ctx);
  registerSecurityQuestionRoutes(app, ctx);
  registerOnlineUnlockRoutes(app, ctx);
  registerSettingsRoutes(app, ctx);
  registerAdminKeyRoutes(app, ctx);
  registerDirectoryRoutes(app, ctx);
  registerSsoRoutes(app, ctx);
  if (options.metrics) registerMetricsRoute(app, ctx, options.metrics);
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
