import { z } from 'zod';
import {
  CreateSecurityQuestionBody,
  IdParams,
  MySecurityQuestions,
  SecurityAnswersBody,
  SecurityQuestion,
  SecurityQuestionList,
  SecurityQuestionSettings,
  Ticket,
  UpdateSecurityQuestionBody,
} from '@cardwarden/contract';
import { cardholderOf, operatorOf, requireCardholder, requireOperator } from '../http/auth-guard.js';
import { bearer, errorResponses } from '../http/responses.js';
import type { App } from '../http/types.js';
import type { ServiceContext } from '../services/context.js';
import { clearLockout } from '../services/identity.service.js';
import {
  createSecurityQuestion,
  getMySecurityQuestions,
  listSecurityQuestions,
  setCustomQuestionsAllowed,
  setMySecurityAnswers,
  updateSecurityQuestion,
} from '../services/security-question.service.js';

export function registerSecurityQuestionRoutes(app: App, ctx: ServiceContext): void {
  const tags = ['security questions'];
  const admin = requireOperator(ctx, 'admin');
  app.post(
    '/api/v1/security-questions',
    {
      schema: {
        tags,
        summary: 'Add a question to the catalogue (admin)',
        security: bearer,
        body: CreateSecurityQuestionBody,
        response: { 201: SecurityQuestion, ...errorResponses },
      },
      preHandler: admin,
    },
    async (request, reply) =>
      reply.code(201).send(await createSecurityQuestion(ctx, operatorOf(request), request.body.text)),
  );
  app.get(
    '/api/v1/security-questions',
    {
      schema: {
        tags,
        summary: 'The question catalogue',
        security: bearer,
        response: { 200: SecurityQuestionList, ...errorResponses },
      },
      preHandler: requireOperator(ctx),
    },
    () => listSecurityQuestions(ctx),
  );
  app.patch(
    '/api/v1/security-questions/:id',
    {
      schema: {
        tags,
        summary: 'Reword or retire a catalogue question (admin)',
        security: bearer,
        params: IdParams,
        body: UpdateSecurityQuestionBody,
        response: { 200: SecurityQuestion, ...errorResponses },
      },
      preHandler: admin,
    },
    (request) => updateSecurityQuestion(ctx, operatorOf(request), request.params.id, request.body),
  );
  app.put(
    '/api/v1/security-questions/settings',
    {
      schema: {
        tags,
        summary: 'Whether cardholders may write their own questions (admin)',
        security: bearer,
        body: SecurityQuestionSettings,
        response: { 200: SecurityQuestionSettings, ...errorResponses },
      },
      preHandler: admin,
    },
    async (request) => {
      await setCustomQuestionsAllowed(ctx, operatorOf(request), request.body.allowCustom);
      return { allowCustom: request.body.allowCustom };
    },
  );
  app.delete(
    '/api/v1/users/:id/security-lockout',
    {
      schema: {
        tags,
        summary: "Clear a cardholder's security-answer lockout (admin)",
        security: bearer,
        params: IdParams,
        querystring: z.object({ ticket: Ticket }),
        response: { 204: z.null(), ...errorResponses },
      },
      preHandler: admin,
    },
    async (request, reply) => {
      await clearLockout(ctx, operatorOf(request), request.params.id, request.query.ticket);
      return reply.code(204).send(null);
    },
  );
  app.get(
    '/api/v1/self-service/security-answers',
    {
      schema: {
        tags,
        summary:
          'My security questions: the catalogue, which I answered (never the answers), how many I need',
        security: bearer,
        response: { 200: MySecurityQuestions, ...errorResponses },
      },
      preHandler: requireCardholder(ctx),
    },
    (request) => getMySecurityQuestions(ctx, cardholderOf(request)),
  );
  app.put(
    '/api/v1/self-service/security-answers',
    {
      schema: {
        tags,
        summary: 'Set my security answers (replaces them all)',
        security: bearer,
        body: SecurityAnswersBody,
        response: { 204: z.null(), ...errorResponses },
      },
      preHandler: requireCardholder(ctx),
    },
    async (request, reply) => {
      await setMySecurityAnswers(ctx, cardholderOf(request), request.body);
      return reply.code(204).send(null);
    },
  );
}
