/** A profile's master keys (admin): the versions, and rotation. Never a key. */
import { IdParams } from '../schemas/common.js';
import { CreateMasterBody, MasterKey, MasterKeyList } from '../schemas/masters.js';
import { defineRoute } from './route.js';

const tags = ['profiles'];

export const masters = {
  list: defineRoute({
    method: 'GET',
    path: '/api/v1/profiles/:id/masters',
    summary:
      "A profile's master key versions (admin): which is current, where each lives, how many cards use it; never a key",
    tags,
    auth: 'bearer',
    params: IdParams,
    responses: { 200: MasterKeyList },
    // profile.not_found
    errors: [404],
  }),
  create: defineRoute({
    method: 'POST',
    path: '/api/v1/profiles/:id/masters',
    summary:
      'Rotate the master key (admin): a new version becomes current for new and re-keyed cards; cards under older versions keep working',
    tags,
    auth: 'bearer',
    params: IdParams,
    body: CreateMasterBody,
    responses: { 201: MasterKey },
    // profile.not_found
    errors: [404],
  }),
};
