/** Staff accounts (admin): create, list, change, and reset a password to a one-time one. */
import { IdParams } from '../schemas/common.js';
import {
  CreateOperatorBody,
  Operator,
  OperatorList,
  PasswordResetResponse,
  UpdateOperatorBody,
} from '../schemas/operators.js';
import { defineRoute } from './route.js';

const tags = ['operators'];

export const operators = {
  create: defineRoute({
    method: 'POST',
    path: '/api/v1/operators',
    summary: 'Create an operator (admin)',
    tags,
    auth: 'bearer',
    body: CreateOperatorBody,
    responses: { 201: Operator },
    // operator.username_taken
    errors: [409],
  }),
  list: defineRoute({
    method: 'GET',
    path: '/api/v1/operators',
    summary: 'List operators (admin, auditor)',
    tags,
    auth: 'bearer',
    responses: { 200: OperatorList },
    errors: [],
  }),
  update: defineRoute({
    method: 'PATCH',
    path: '/api/v1/operators/:id',
    summary: 'Change role, state or password of an operator (admin)',
    tags,
    auth: 'bearer',
    params: IdParams,
    body: UpdateOperatorBody,
    responses: { 200: Operator },
    // 409: operator.directory_managed, operator.last_admin
    errors: [404, 409],
  }),
  resetPassword: defineRoute({
    method: 'POST',
    path: '/api/v1/operators/:id/password-reset',
    summary:
      "Give an operator a generated one-time password, shown once; ends the operator's sessions (admin)",
    tags,
    auth: 'bearer',
    params: IdParams,
    responses: { 200: PasswordResetResponse },
    // 409: operator.directory_managed (403 for one's own account is the bearer 403)
    errors: [404, 409],
  }),
};
