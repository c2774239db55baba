/** Single sign-on (OpenID Connect) for staff and cardholders, and the step-up: see docs/sso.md. */
import { z } from 'zod';
import {
  SsoCallbackQuery,
  SsoDevicePollBody,
  SsoDevicePollResponse,
  SsoDeviceRequest,
  SsoExchangeBody,
  SsoExchangeResponse,
  SsoLogoutResponse,
  SsoSettings,
  SsoStartQuery,
  SsoStatus,
} from '@cardwarden/contract';
import type { FastifyRequest } from 'fastify';
import { requireOperator, requireSignedIn } from '../http/auth-guard.js';
import { bearer, errorResponses } from '../http/responses.js';
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
const SSO_PATH = '/api/v1/auth/sso';

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
  const tags = ['sso'];
  const secure = ctx.sso ? new URL(ctx.sso.config.redirectUrl).protocol === 'https:' : true;

  app.get(
    SSO_PATH,
    {
      schema: {
        tags,
        summary: 'Whether single sign-on is offered (public: the sign-in pages ask)',
        response: { 200: SsoStatus, ...errorResponses },
      },
    },
    () => ssoStatus(ctx),
  );

  app.get(
    `${SSO_PATH}/settings`,
    {
      schema: {
        tags,
        summary: 'The single sign-on configuration (read-only; secrets are never shown)',
        security: bearer,
        response: { 200: SsoSettings, ...errorResponses },
      },
      preHandler: requireOperator(ctx, 'admin'),
    },
    () => ssoSettings(ctx),
  );

  app.get(
    `${SSO_PATH}/start`,
    {
      schema: {
        tags,
        summary: "Sends the browser to the identity provider's sign-in (authorization code with PKCE)",
        querystring: SsoStartQuery,
        response: { 302: z.null(), ...errorResponses },
      },
    },
    async (request, reply) => {
      const started = await startSsoSignIn(
        ctx,
        { portal: request.query.portal, device: request.query.device },
        request.ip,
      );
      void reply.header(
        'set-cookie',
        setCookie(FLOW_COOKIE, started.binding, {
          path: `${SSO_PATH}/callback`,
          sameSite: 'Lax',
          maxAgeSeconds: FLOW_MINUTES * 60,
          secure,
        }),
      );
      return reply.redirect(started.url, 302);
    },
  );

  app.get(
    `${SSO_PATH}/callback`,
    {
      schema: {
        tags,
        summary: "The identity provider's return (the redirect URL registered there)",
        querystring: SsoCallbackQuery,
        response: { 302: z.null(), ...errorResponses },
      },
    },
    async (request, reply) => {
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
          path: `${SSO_PATH}/callback`,
          sameSite: 'Lax',
          maxAgeSeconds: 0,
          secure,
        }),
      ];
      if (done.resultHandle) {
        cookies.push(
          setCookie(RESULT_COOKIE, done.resultHandle, {
            path: `${SSO_PATH}/exchange`,
            sameSite: 'Strict',
            maxAgeSeconds: RESULT_SECONDS,
            secure,
          }),
        );
      }
      void reply.header('set-cookie', cookies);
      return reply.redirect(done.redirectTo, 302);
    },
  );

  app.post(
    `${SSO_PATH}/exchange`,
    {
      schema: {
        tags,
        summary: "The page the callback led to takes the sign-in's result, once (from its HttpOnly cookie)",
        body: SsoExchangeBody,
        response: { 200: SsoExchangeResponse, ...errorResponses },
      },
    },
    (request, reply) => {
      void reply.header(
        'set-cookie',
        setCookie(RESULT_COOKIE, '', {
          path: `${SSO_PATH}/exchange`,
          sameSite: 'Strict',
          maxAgeSeconds: 0,
          secure,
        }),
      );
      return exchangeSsoResult(ctx, cookie(request, RESULT_COOKIE));
    },
  );

  app.post(
    `${SSO_PATH}/logout`,
    {
      schema: {
        tags,
        summary: "Ends this sign-in; the provider's sign-out URL when it offers one",
        security: bearer,
        response: { 200: SsoLogoutResponse, ...errorResponses },
      },
      preHandler: requireSignedIn(ctx),
    },
    async (request) => {
      if (request.tokenId) await logout(ctx, request.tokenId);
      const auth = request.headers.authorization;
      const token = auth?.startsWith('Bearer ') ? auth.slice('Bearer '.length).trim() : undefined;
      return { endSessionUrl: await ssoLogoutUrl(ctx, token) };
    },
  );

  app.post(
    `${SSO_PATH}/device`,
    {
      schema: {
        tags,
        summary:
          'The unlock tool asks for an SSO step-up: a URL to open in a browser and a token to poll with',
        response: { 201: SsoDeviceRequest, ...errorResponses },
      },
    },
    async (request, reply) => reply.code(201).send(await requestDeviceStepUp(ctx, request.ip)),
  );

  app.post(
    `${SSO_PATH}/device/poll`,
    {
      schema: {
        tags,
        summary: 'Pending until the browser sign-in ends; then the step-up proof, once',
        body: SsoDevicePollBody,
        response: { 200: SsoDevicePollResponse, ...errorResponses },
      },
    },
    (request) => pollDeviceStepUp(ctx, request.body.pollToken),
  );
}
