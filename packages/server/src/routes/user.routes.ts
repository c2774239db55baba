import { z } from 'zod';
import {
  CreateUserBody,
  IdParams,
  SetPasswordBody,
  Ticket,
  UpdateUserBody,
  User,
  UserDetail,
  UserList,
  UserSearchQuery,
} from '@cardwarden/contract';
import { operatorOf, requireAnyOperator, requireOperator } from '../http/auth-guard.js';
import { bearer, errorResponses } from '../http/responses.js';
import type { App } from '../http/types.js';
import type { ServiceContext } from '../services/context.js';
import {
  createUser,
  findUsers,
  getUserDetail,
  setUserPassword,
  updateUser,
} from '../services/user.service.js';

export function registerUserRoutes(app: App, ctx: ServiceContext): void {
  const tags = ['users'];
  const everyone = requireAnyOperator(ctx);
  app.post(
    '/api/v1/users',
    {
      schema: {
        tags,
        summary: 'Create a cardholder (admin)',
        security: bearer,
        body: CreateUserBody,
        response: { 201: User, ...errorResponses },
      },
      preHandler: requireOperator(ctx, 'admin'),
    },
    async (request, reply) => reply.code(201).send(await createUser(ctx, operatorOf(request), request.body)),
  );
  app.get(
    '/api/v1/users',
    {
      schema: {
        tags,
        summary: 'User Lookup: search by username, name, email or card serial',
        security: bearer,
        querystring: UserSearchQuery,
        response: { 200: UserList, ...errorResponses },
      },
      preHandler: everyone,
    },
    (request) => findUsers(ctx, request.query),
  );
  app.get(
    '/api/v1/users/:id',
    {
      schema: {
        tags,
        summary: "User Information: the user's cards, and whether each can be unblocked offline",
        security: bearer,
        params: IdParams,
        response: { 200: UserDetail, ...errorResponses },
      },
      preHandler: everyone,
    },
    (request) => getUserDetail(ctx, request.params.id),
  );
  app.patch(
    '/api/v1/users/:id',
    {
      schema: {
        tags,
        summary: 'Edit a cardholder or change their state (admin)',
        security: bearer,
        params: IdParams,
        body: UpdateUserBody.extend({ ticket: Ticket }),
        response: { 200: User, ...errorResponses },
      },
      preHandler: requireOperator(ctx, 'admin'),
    },
    (request) => updateUser(ctx, operatorOf(request), request.params.id, request.body),
  );
  app.put(
    '/api/v1/users/:id/password',
    {
      schema: {
        tags,
        summary: "Set a cardholder's self-service password (admin)",
        security: bearer,
        params: IdParams,
        body: SetPasswordBody,
        response: { 204: z.null(), ...errorResponses },
      },
      preHandler: requireOperator(ctx, 'admin'),
    },
    async (request, reply) => {
      await setUserPassword(ctx, operatorOf(request), request.params.id, request.body.password);
      return reply.code(204).send(null);
    },
  );
  app.delete(
    '/api/v1/users/:id/password',
    {
      schema: {
        tags,
        summary: "Remove a cardholder's self-service password (admin)",
        security: bearer,
        params: IdParams,
        response: { 204: z.null(), ...errorResponses },
      },
      preHandler: requireOperator(ctx, 'admin'),
    },
    async (request, reply) => {
      await setUserPassword(ctx, operatorOf(request), request.params.id, null);
      return reply.code(204).send(null);
    },
  );
}
