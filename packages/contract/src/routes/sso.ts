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
} from '../schemas/sso.js';
import { defineRoute } from './route.js';

const tags = ['sso'];

// 404 `sso.not_configured` on every route that needs SSO set up (the status and settings do not).
export const sso = {
  status: defineRoute({
    method: 'GET',
    path: '/api/v1/auth/sso',
    summary: 'Whether single sign-on is offered (public: the sign-in pages ask)',
    tags,
    auth: 'none',
    responses: { 200: SsoStatus },
    errors: [],
  }),
  settings: defineRoute({
    method: 'GET',
    path: '/api/v1/auth/sso/settings',
    summary: 'The single sign-on configuration (read-only; secrets are never shown)',
    tags,
    auth: 'bearer',
    responses: { 200: SsoSettings },
    errors: [],
  }),
  start: defineRoute({
    method: 'GET',
    path: '/api/v1/auth/sso/start',
    summary: "Sends the browser to the identity provider's sign-in (authorization code with PKCE)",
    tags,
    auth: 'none',
    query: SsoStartQuery,
    responses: { 302: z.null() },
    // 429: too many sign-ins started from the address, or in progress.
    errors: [404, 429],
  }),
  callback: defineRoute({
    method: 'GET',
    path: '/api/v1/auth/sso/callback',
    summary: "The identity provider's return (the redirect URL registered there)",
    tags,
    auth: 'none',
    query: SsoCallbackQuery,
    responses: { 302: z.null() },
    // An unknown state is a 400; every other refusal is kept for the exchange (or the device poll).
    errors: [404],
  }),
  exchange: defineRoute({
    method: 'POST',
    path: '/api/v1/auth/sso/exchange',
    summary: "The page the callback led to takes the sign-in's result, once (from its HttpOnly cookie)",
    tags,
    auth: 'none',
    body: SsoExchangeBody,
    responses: { 200: SsoExchangeResponse },
    // 401: no result waiting, or the provider did not sign in; 403: no role, no account, suspended,
    // no fresh sign-in for a step-up; 409: a local account has the username.
    errors: [401, 403, 404, 409],
  }),
  logout: defineRoute({
    method: 'POST',
    path: '/api/v1/auth/sso/logout',
    summary: "Ends this sign-in; the provider's sign-out URL when it offers one",
    tags,
    auth: 'bearer',
    responses: { 200: SsoLogoutResponse },
    errors: [],
  }),
  requestDevice: defineRoute({
    method: 'POST',
    path: '/api/v1/auth/sso/device',
    summary: 'The unlock tool asks for an SSO step-up: a URL to open in a browser and a token to poll with',
    tags,
    auth: 'none',
    responses: { 201: SsoDeviceRequest },
    errors: [404, 429],
  }),
  pollDevice: defineRoute({
    method: 'POST',
    path: '/api/v1/auth/sso/device/poll',
    summary: 'Pending until the browser sign-in ends; then the step-up proof, once',
    tags,
    auth: 'none',
    body: SsoDevicePollBody,
    responses: { 200: SsoDevicePollResponse },
    // 401: unknown or expired poll token, or the provider did not sign in; 403: the step-up's refusal
    // (no cardholder, suspended, no fresh sign-in).
    errors: [401, 403, 404],
  }),
};
