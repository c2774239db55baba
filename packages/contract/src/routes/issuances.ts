/** Card issuance and re-keying (`cardwarden-unlock issue`, docs/issuance.md): the server drives the card. */
import { IdParams } from '../schemas/common.js';
import {
  IssuanceAuthenticateBody,
  IssuanceAuthenticateResponse,
  IssuanceProofBody,
  IssuanceStep,
  IssuanceStepResultBody,
  StartIssuanceBody,
} from '../schemas/issuances.js';
import { defineRoute } from './route.js';

const tags = ['issuance'];

export const issuances = {
  start: defineRoute({
    method: 'POST',
    path: '/api/v1/issuances',
    summary:
      'Issue or re-key a card: registers a new card to its user and profile; the first step (authenticate with the current or pending key)',
    tags,
    auth: 'bearer',
    body: StartIssuanceBody,
    responses: { 201: IssuanceStep },
    // 404 user or profile unknown; 409 issuance.card_taken; 422 a card type that cannot be issued, a new
    // card without user and profile, a transport key that is not valid hex.
    errors: [404, 409, 422],
  }),
  authenticate: defineRoute({
    method: 'POST',
    path: '/api/v1/issuances/:id/authenticate',
    summary: "The card's R2 in, the server's mutual-authentication cryptogram out (once per R1)",
    tags,
    auth: 'bearer',
    params: IdParams,
    body: IssuanceAuthenticateBody,
    responses: { 200: IssuanceAuthenticateResponse },
    // 409 closed, expired, wrong step; 422 challenge.bad_length for the card and key.
    errors: [404, 409, 422],
  }),
  proof: defineRoute({
    method: 'POST',
    path: '/api/v1/issuances/:id/proof',
    summary:
      "The card's own cryptogram (it holds the key) or its refusal; the next step (write-key, finish, or authenticate with the other key)",
    tags,
    auth: 'bearer',
    params: IdParams,
    body: IssuanceProofBody,
    responses: { 200: IssuanceStep },
    // 409 closed, expired, wrong step, admin_key.blocked, issuance.key_unknown; 422 issuance.proof_invalid,
    // challenge.bad_length.
    errors: [404, 409, 422],
  }),
  keyWritten: defineRoute({
    method: 'POST',
    path: '/api/v1/issuances/:id/key-written',
    summary: "The card's status word for the key write; the next step (the card proves the new key)",
    tags,
    auth: 'bearer',
    params: IdParams,
    body: IssuanceStepResultBody,
    responses: { 200: IssuanceStep },
    // 409 closed, expired, wrong step, issuance.card_refused.
    errors: [404, 409],
  }),
  finish: defineRoute({
    method: 'POST',
    path: '/api/v1/issuances/:id/finish',
    summary: "The card's status word for the PIN policy (and whether an initial PIN was set): done",
    tags,
    auth: 'bearer',
    params: IdParams,
    body: IssuanceStepResultBody,
    responses: { 200: IssuanceStep },
    // 409 closed, expired, wrong step, issuance.card_refused.
    errors: [404, 409],
  }),
};
