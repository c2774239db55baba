import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineRoute, errorStatusesOf, pathTo, relativePathTo, withQuery } from './route.js';

const read = defineRoute({
  method: 'GET',
  path: '/api/v1/things/:id/parts/:partId',
  summary: 'a part',
  tags: [],
  auth: 'bearer',
  params: z.object({ id: z.string(), partId: z.string() }),
  responses: { 200: z.object({}) },
  errors: [404],
});

describe('pathTo', () => {
  it('fills in every parameter, escaped, and keeps the rest of the path', () => {
    expect(pathTo(read, { id: 'a/b c', partId: 7 })).toBe('/api/v1/things/a%2Fb%20c/parts/7');
    expect(relativePathTo(read, { id: 'x', partId: 'y' })).toBe('api/v1/things/x/parts/y');
  });

  it('refuses a missing parameter rather than calling a wrong path', () => {
    expect(() => pathTo(read, { id: 'x' } as never)).toThrow(/no value for :partId/);
  });
});

describe('errorStatusesOf', () => {
  it("adds what the route's shape implies to what it declares", () => {
    expect(errorStatusesOf(read)).toEqual([400, 401, 403, 404, 503]);
    const anonymousPost = defineRoute({
      method: 'POST',
      path: '/api/v1/login',
      summary: 'sign in',
      tags: [],
      auth: 'none',
      body: z.object({}),
      responses: { 200: z.object({}) },
      errors: [401, 429],
    });
    expect(errorStatusesOf(anonymousPost)).toEqual([400, 401, 413, 415, 429, 503]);
    const bareDelete = defineRoute({ ...read, method: 'DELETE', path: '/api/v1/things', params: undefined });
    expect(errorStatusesOf(bareDelete)).toEqual([400, 401, 403, 404, 413, 415, 503]);
  });
});

describe('withQuery', () => {
  it('adds the set parameters, encoded, and leaves out empty ones', () => {
    expect(withQuery('/api/v1/users', { q: 'a b&c', limit: 25, state: undefined, x: '' })).toBe(
      '/api/v1/users?q=a+b%26c&limit=25',
    );
    expect(withQuery('/api/v1/users', {})).toBe('/api/v1/users');
    expect(withQuery('/api/v1/users', undefined)).toBe('/api/v1/users');
  });
});
