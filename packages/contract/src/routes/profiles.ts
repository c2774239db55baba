/** Card profiles (admin changes them; every operator reads them). */
import { IdParams } from '../schemas/common.js';
import { CreateProfileBody, Profile, ProfileList, UpdateProfileBody } from '../schemas/profiles.js';
import { defineRoute } from './route.js';

const tags = ['profiles'];

export const profiles = {
  create: defineRoute({
    method: 'POST',
    path: '/api/v1/profiles',
    summary: 'Create a card profile (admin); every use case is off unless switched on',
    tags,
    auth: 'bearer',
    body: CreateProfileBody,
    responses: { 201: Profile },
    // 409: profile.name_taken; 422: profile.invalid_pin_rules, profile.invalid_security_questions
    errors: [409, 422],
  }),
  list: defineRoute({
    method: 'GET',
    path: '/api/v1/profiles',
    summary: 'List card profiles',
    tags,
    auth: 'bearer',
    responses: { 200: ProfileList },
    errors: [],
  }),
  get: defineRoute({
    method: 'GET',
    path: '/api/v1/profiles/:id',
    summary: 'A card profile',
    tags,
    auth: 'bearer',
    params: IdParams,
    responses: { 200: Profile },
    errors: [404],
  }),
  update: defineRoute({
    method: 'PATCH',
    path: '/api/v1/profiles/:id',
    summary: 'Change a card profile (admin)',
    tags,
    auth: 'bearer',
    params: IdParams,
    body: UpdateProfileBody,
    responses: { 200: Profile },
    // 409: profile.name_taken; 422: the changed profile's PIN rules or question counts do not fit together
    errors: [404, 409, 422],
  }),
};
