import {
  CreateOperatorBody,
  IdParams,
  Operator,
  OperatorList,
  PasswordResetResponse,
  UpdateOperatorBody,
} from '@cardwarden/contract';
import { operatorOf, requireOperator } from '../http/auth-guard.js';
import { bearer, errorResponses } from '../http/responses.js';
import type { App } from '../http/types.js';
import type { ServiceContext } from '../services/context.js';
import { createOperator, listAllOperators, updateOperator } from '../services/operator.service.js';
import { resetOperatorPassword } from '../services/password.service.js';

export function registerOperatorRoutes(app: App, ctx: ServiceContext): void {
  const tags = ['operators'];
  app.post(
    '/api/v1/operators',
    {
      schema: {
        tags,
        summary: 'Create an operator (admin)',
        security: bearer,
        body: CreateOperatorBody,
        response: { 201: Operator, ...errorResponses },
      },
      preHandler: requireOperator(ctx, 'admin'),
    },
    async (request, reply) =>
      reply.code(201).send(await createOperator(ctx, operatorOf(request), request.body)),
  );
  app.get(
    '/api/v1/operators',
    {
      schema: {
        tags,
        summary: 'List operators (admin, auditor)',
        security: bearer,
        response: { 200: OperatorList, ...errorResponses },
      },
      preHandler: requireOperator(ctx, 'admin', 'auditor'),
    },
    async () => ({ items: await listAllOperators(ctx) }),
  );
  app.patch(
    '/api/v1/operators/:id',
    {
      schema: {
        tags,
        summary: 'Change role, state or password of an operator (admin)',
        security: bearer,
        params: IdParams,
        body: UpdateOperatorBody,
        response: { 200: Operator, ...errorResponses },
      },
      preHandler: requireOperator(ctx, 'admin'),
    },
    (request) => updateOperator(ctx, operatorOf(request), request.params.id, request.body),
  );
  app.post(
    '/api/v1/operators/:id/password-reset',
    {
      schema: {
        tags,
        summary:
          "Give an operator a generated one-time password, shown once; ends the operator's sessions (admin)",
        security: bearer,
        params: IdParams,
        response: { 200: PasswordResetResponse, ...errorResponses },
      },
      preHandler: requireOperator(ctx, 'admin'),
    },
    (request) => resetOperatorPassword(ctx, operatorOf(request), request.params.id),
  );
}
