/** Cardholders: create, search, read with their cards, edit, and their self-service password. */
import { z } from 'zod';
import { IdParams } from '../schemas/common.js';
import {
  CreateUserBody,
  SetPasswordBody,
  UpdateUserWithTicketBody,
  User,
  UserDetail,
  UserList,
  UserSearchQuery,
} from '../schemas/users.js';
import { defineRoute } from './route.js';

const tags = ['users'];

export const users = {
  create: defineRoute({
    method: 'POST',
    path: '/api/v1/users',
    summary: 'Create a cardholder (admin)',
    tags,
    auth: 'bearer',
    body: CreateUserBody,
    responses: { 201: User },
    // user.username_taken
    errors: [409],
  }),
  list: defineRoute({
    method: 'GET',
    path: '/api/v1/users',
    summary: 'User Lookup: search by username, name, email or card serial',
    tags,
    auth: 'bearer',
    query: UserSearchQuery,
    responses: { 200: UserList },
    errors: [],
  }),
  get: defineRoute({
    method: 'GET',
    path: '/api/v1/users/:id',
    summary: "User Information: the user's cards, and whether each can be unblocked offline",
    tags,
    auth: 'bearer',
    params: IdParams,
    responses: { 200: UserDetail },
    errors: [404],
  }),
  update: defineRoute({
    method: 'PATCH',
    path: '/api/v1/users/:id',
    summary: 'Edit a cardholder or change their state (admin)',
    tags,
    auth: 'bearer',
    params: IdParams,
    body: UpdateUserWithTicketBody,
    responses: { 200: User },
    // 409: user.directory_managed (a directory user's synced fields, or a suspension the directory made)
    errors: [404, 409],
  }),
  setPassword: defineRoute({
    method: 'PUT',
    path: '/api/v1/users/:id/password',
    summary: "Set a cardholder's self-service password (admin)",
    tags,
    auth: 'bearer',
    params: IdParams,
    body: SetPasswordBody,
    responses: { 204: z.null() },
    // 409: user.directory_managed (directory users sign in with the directory password)
    errors: [404, 409],
  }),
  removePassword: defineRoute({
    method: 'DELETE',
    path: '/api/v1/users/:id/password',
    summary: "Remove a cardholder's self-service password (admin)",
    tags,
    auth: 'bearer',
    params: IdParams,
    responses: { 204: z.null() },
    // 409: user.directory_managed
    errors: [404, 409],
  }),
};
