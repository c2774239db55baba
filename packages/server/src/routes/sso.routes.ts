/** Single sign-on (OpenID Connect) for staff and cardholders, and the step-up: see docs/sso.md. */
import { api } from '@cardwarden/contract';
import type { FastifyRequest } from 'fastify';
import { requireOperator, requireSignedIn } from '../http/auth-guard.js';
import { fromContract } from '../http/contract-route.js';
import type { App } from '../http/types.js';
import { logout } from '../services/auth.service.js';
import type { ServiceContext } from '../services/context.js';
import { FLOW_MINUTES, RESULT_SECONDS } from '../sso/sso-context.js';
import {
  exchangeSsoResult,
  finishSsoSignIn,
  pollDeviceStepUp,
  requestDeviceStepUp,
  requireSso,
  ssoLogoutUrl,
  ssoSettings,
  ssoStatus,
  startSsoSignIn,
} from '../sso/sso.service.js';

const FLOW_COOKIE = 'cardwarden_sso_flow';
const RESULT_COOKIE = 'cardwarden_sso_result';
/** The flow cookie goes back only to the callback, the result cookie only to the exchange. */
const FLOW_COOKIE_PATH = api.sso.callback.path;
const RESULT_COOKIE_PATH = api.sso.exchange.path;

/** The value of one cookie of the request (no cookie plugin: two cookies are all SSO needs). */
function cookie(request: FastifyRequest, name: string): string | undefined {
  const header = request.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const at = part.indexOf('=');
    if (at > 0 && part.slice(0, at).trim() === name) return part.slice(at + 1).trim();
  }
  return undefined;
}

/**
 * A cookie only the server reads (HttpOnly), only on the paths that use it, `Secure` when the server is
 * reached over HTTPS. The flow cookie is SameSite=Lax: it must come back on the provider's top-level
 * redirect. The result cookie is SameSite=Strict: only our own page's POST sends it.
 */
function setCookie(
  name: string,
  value: string,
  options: { path: string; sameSite: 'Lax' | 'Strict'; maxAgeSeconds: number; secure: boolean },
): string {
  return [
    `${name}=${value}`,
    `Path=${options.path}`,
    `Max-Age=${options.maxAgeSeconds}`,
    'HttpOnly',
    `SameSite=${options.sameSite}`,
    ...(options.secure ? ['Secure'] : []),
  ].join('; ');
}

export function registerSsoRoutes(app: App, ctx: ServiceContext): void {
  const secure = ctx.sso ? new URL(ctx.sso.config.redirectUrl).protocol === 'https:' : true;

  app.route({
    ...fromContract(api.sso.status),
    handler: () => ssoStatus(ctx),
  });

  app.route({
    ...fromContract(api.sso.settings),
    preHandler: requireOperator(ctx, 'admin'),
    handler: () => ssoSettings(ctx),
  });

  app.route({
    ...fromContract(api.sso.start),
    handler: async (request, reply) => {
      const started = await startSsoSignIn(
        ctx,
        { portal: request.query.portal, device: request.query.device },
        request.ip,
      );
      void reply.header(
        'set-cookie',
        setCookie(FLOW_COOKIE, started.binding, {
          path: FLOW_COOKIE_PATH,
          sameSite: 'Lax',
          maxAgeSeconds: FLOW_MINUTES * 60,
          secure,
        }),
      );
      return reply.redirect(started.url, 302);
    },
  });

  app.route({
    ...fromContract(api.sso.callback),
    handler: async (request, reply) => {
      const sso = requireSso(ctx);
      // The URL openid-client checks: the registered redirect URL (not the Host header, which a proxy
      // or an attacker sets) with the parameters the provider sent.
      const url = new URL(sso.config.redirectUrl);
      const query = request.url.indexOf('?');
      url.search = query >= 0 ? request.url.slice(query) : '';
      const done = await finishSsoSignIn(
        ctx,
        {
          url,
          state: request.query.state,
          error: request.query.error,
          binding: cookie(request, FLOW_COOKIE),
        },
        request.ip,
      );
      const cookies = [
        setCookie(FLOW_COOKIE, '', {
          path: FLOW_COOKIE_PATH,
          sameSite: 'Lax',
          maxAgeSeconds: 0,
          secure,
        }),
      ];
      if (done.resultHandle) {
        cookies.push(
          setCookie(RESULT_COOKIE, done.resultHandle, {
            path: RESULT_COOKIE_PATH,
            sameSite: 'Strict',
            maxAgeSeconds: RESULT_SECONDS,
            secure,
          }),
        );
      }
      void reply.header('set-cookie', cookies);
      return reply.redirect(done.redirectTo, 302);
    },
  });

  app.route({
    ...fromContract(api.sso.exchange),
    handler: (request, reply) => {
      void reply.header(
        'set-cookie',
        setCookie(RESULT_COOKIE, '', {
          path: RESULT_COOKIE_PATH,
          sameSite: 'Strict',
          maxAgeSeconds: 0,
          secure,
        }),
      );
      return exchangeSsoResult(ctx, cookie(request, RESULT_COOKIE));
    },
  });

  app.route({
    ...fromContract(api.sso.logout),
    preHandler: requireSignedIn(ctx),
    handler: async (request) => {
      if (request.tokenId) await logout(ctx, request.tokenId);
      const auth = request.headers.authorization;
      const token = auth?.startsWith('Bearer ') ? auth.slice('Bearer '.length).trim() : undefined;
      return { endSessionUrl: await ssoLogoutUrl(ctx, token) };
    },
  });

  app.route({
    ...fromContract(api.sso.requestDevice),
    handler: async (request, reply) => reply.code(201).send(await requestDeviceStepUp(ctx, request.ip)),
  });

  app.route({
    ...fromContract(api.sso.pollDevice),
    handler: (request) => pollDeviceStepUp(ctx, request.body.pollToken),
  });
}
