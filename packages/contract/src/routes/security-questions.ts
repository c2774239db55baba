/** The security question catalogue (admins), lockouts, and a cardholder's own answers (self-service). */
import { z } from 'zod';
import { IdParams } from '../schemas/common.js';
import {
  ClearLockoutQuery,
  CreateSecurityQuestionBody,
  MySecurityQuestions,
  SecurityAnswersBody,
  SecurityQuestion,
  SecurityQuestionList,
  SecurityQuestionSettings,
  UpdateSecurityQuestionBody,
} from '../schemas/security-questions.js';
import { defineRoute } from './route.js';

const tags = ['security questions'];

export const securityQuestions = {
  create: defineRoute({
    method: 'POST',
    path: '/api/v1/security-questions',
    summary: 'Add a question to the catalogue (admin)',
    tags,
    auth: 'bearer',
    body: CreateSecurityQuestionBody,
    responses: { 201: SecurityQuestion },
    // security_question.duplicate
    errors: [409],
  }),
  list: defineRoute({
    method: 'GET',
    path: '/api/v1/security-questions',
    summary: 'The question catalogue',
    tags,
    auth: 'bearer',
    responses: { 200: SecurityQuestionList },
    errors: [],
  }),
  update: defineRoute({
    method: 'PATCH',
    path: '/api/v1/security-questions/:id',
    summary: 'Reword or retire a catalogue question (admin)',
    tags,
    auth: 'bearer',
    params: IdParams,
    body: UpdateSecurityQuestionBody,
    responses: { 200: SecurityQuestion },
    // 404: security_question.not_found; 409: security_question.duplicate (the new wording)
    errors: [404, 409],
  }),
  updateSettings: defineRoute({
    method: 'PUT',
    path: '/api/v1/security-questions/settings',
    summary: 'Whether cardholders may write their own questions (admin)',
    tags,
    auth: 'bearer',
    body: SecurityQuestionSettings,
    responses: { 200: SecurityQuestionSettings },
    errors: [],
  }),
  clearLockout: defineRoute({
    method: 'DELETE',
    path: '/api/v1/users/:id/security-lockout',
    summary: "Clear a cardholder's security-answer lockout (admin)",
    tags,
    auth: 'bearer',
    params: IdParams,
    query: ClearLockoutQuery,
    responses: { 204: z.null() },
    // user.not_found
    errors: [404],
  }),
  myAnswers: defineRoute({
    method: 'GET',
    path: '/api/v1/self-service/security-answers',
    summary: 'My security questions: the catalogue, which I answered (never the answers), how many I need',
    tags,
    auth: 'bearer',
    responses: { 200: MySecurityQuestions },
    errors: [],
  }),
  setMyAnswers: defineRoute({
    method: 'PUT',
    path: '/api/v1/self-service/security-answers',
    summary: 'Set my security answers (replaces them all)',
    tags,
    auth: 'bearer',
    body: SecurityAnswersBody,
    responses: { 204: z.null() },
    // 404: a catalogue question that is unknown or retired; 422: security_answers.invalid (too few,
    // too short, repeated); 403 security_question.custom_not_allowed is the bearer 403
    errors: [404, 422],
  }),
};
