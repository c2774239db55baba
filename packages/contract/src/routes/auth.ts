/** Staff sign-in with a password, sign-out, who is signed in, and changing one's own password. */
import { z } from 'zod';
import { ChangePasswordBody, LoginBody, LoginResponse, Me } from '../schemas/auth.js';
import { defineRoute } from './route.js';

const tags = ['auth'];

export const auth = {
  login: defineRoute({
    method: 'POST',
    path: '/api/v1/auth/login',
    summary: 'Operator sign-in: returns a bearer token',
    tags,
    auth: 'none',
    body: LoginBody,
    responses: { 200: LoginResponse },
    // 401: wrong username or password; 429: the sign-in throttle, the argon2 gate and the anonymous lane.
    errors: [401, 429],
  }),
  logout: defineRoute({
    method: 'POST',
    path: '/api/v1/auth/logout',
    summary: 'Ends this sign-in',
    tags,
    auth: 'bearer',
    responses: { 204: z.null() },
    errors: [],
    beforePasswordChange: true,
    beforeSecondFactor: true,
  }),
  me: defineRoute({
    method: 'GET',
    path: '/api/v1/auth/me',
    summary: 'The signed-in operator',
    tags,
    auth: 'bearer',
    responses: { 200: Me },
    errors: [],
    beforePasswordChange: true,
  }),
  changePassword: defineRoute({
    method: 'POST',
    path: '/api/v1/auth/password',
    summary: "Change one's own password; ends one's other sessions",
    tags,
    auth: 'bearer',
    body: ChangePasswordBody,
    responses: { 204: z.null() },
    // 409: a directory account (its password is the directory's); 422: the new password is the current
    // one; 429: too many wrong current passwords.
    errors: [409, 422, 429],
    beforePasswordChange: true,
  }),
};
