import { api } from '@cardwarden/contract';
import { fromContract } from '../http/contract-route.js';
import { cardholderOf, operatorOf, requireCardholder, requireOperator } from '../http/auth-guard.js';
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
import { inTransaction, unitOfWork } from '../db/unit-of-work.js';

export function registerSecurityQuestionRoutes(app: App, ctx: ServiceContext): void {
  /** Opens each transaction of the use cases here that have phases outside one. */
  const uow = unitOfWork(ctx.db);
  const admin = requireOperator(ctx, 'admin');
  app.route({
    ...fromContract(api.securityQuestions.create),
    preHandler: admin,
    handler: async (request, reply) =>
      reply
        .code(201)
        .send(
          await inTransaction(ctx.db, (tx) =>
            createSecurityQuestion(ctx, tx, operatorOf(request), request.body.text),
          ),
        ),
  });
  app.route({
    ...fromContract(api.securityQuestions.list),
    preHandler: requireOperator(ctx),
    handler: () => listSecurityQuestions(ctx),
  });
  app.route({
    ...fromContract(api.securityQuestions.update),
    preHandler: admin,
    handler: (request) =>
      inTransaction(ctx.db, (tx) =>
        updateSecurityQuestion(ctx, tx, operatorOf(request), request.params.id, request.body),
      ),
  });
  app.route({
    ...fromContract(api.securityQuestions.updateSettings),
    preHandler: admin,
    handler: async (request) => {
      await inTransaction(ctx.db, (tx) =>
        setCustomQuestionsAllowed(ctx, tx, operatorOf(request), request.body.allowCustom),
      );
      return { allowCustom: request.body.allowCustom };
    },
  });
  app.route({
    ...fromContract(api.securityQuestions.clearLockout),
    preHandler: admin,
    handler: async (request, reply) => {
      await inTransaction(ctx.db, (tx) =>
        clearLockout(ctx, tx, operatorOf(request), request.params.id, request.query.ticket),
      );
      return reply.code(204).send(null);
    },
  });
  app.route({
    ...fromContract(api.securityQuestions.myAnswers),
    preHandler: requireCardholder(ctx),
    handler: (request) => getMySecurityQuestions(ctx, cardholderOf(request)),
  });
  app.route({
    ...fromContract(api.securityQuestions.setMyAnswers),
    preHandler: requireCardholder(ctx),
    handler: async (request, reply) => {
      await setMySecurityAnswers(ctx, uow, cardholderOf(request), request.body);
      return reply.code(204).send(null);
    },
  });
}
