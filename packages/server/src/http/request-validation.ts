/**
 * Request validation: the zod schemas of each route, after two checks that hold for every route, so that
 * no input reaches the database in a form it refuses with a 5xx:
 * - no NUL character in any string or object key of a body, query or path (PostgreSQL refuses U+0000
 *   in text and jsonb);
 * - a PATCH body must name something to change.
 * Validation runs after the route's authentication (a preValidation hook), so that an anonymous caller
 * gets 401 rather than a description of what their body lacks.
 */
import type { FastifySchemaCompiler, FastifySchemaValidationError } from 'fastify';
import { validatorCompiler } from 'fastify-type-provider-zod';

/** The issue shape fastify-type-provider-zod reports, so that one error handler formats both. */
function issue(path: readonly (string | number)[], message: string): FastifySchemaValidationError {
  return {
    [Symbol.for('ZodFastifySchemaValidationError')]: true,
    keyword: 'custom',
    instancePath: `/${path.join('/')}`,
    schemaPath: `#/${path.join('/')}/custom`,
    message,
    params: {},
  };
}

/** The path of the first string or key holding a NUL character, or undefined. */
export function findNul(
  value: unknown,
  path: (string | number)[] = [],
  depth = 0,
): (string | number)[] | undefined {
  if (typeof value === 'string') return value.includes('\u0000') ? path : undefined;
  if (depth > 32 || typeof value !== 'object' || value === null) return undefined;
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) {
      const found = findNul(item, [...path, index], depth + 1);
      if (found) return found;
    }
    return undefined;
  }
  for (const [key, item] of Object.entries(value)) {
    if (key.includes('\u0000')) return [...path, key.replaceAll('\u0000', '\\u0000')];
    const found = findNul(item, [...path, key], depth + 1);
    if (found) return found;
  }
  return undefined;
}

/** Whether a validated PATCH body changes nothing (only a ticket, or nothing at all). */
function changesNothing(value: unknown): boolean {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  return Object.entries(value).every(([key, item]) => key === 'ticket' || item === undefined);
}

export const guardedValidatorCompiler: FastifySchemaCompiler<unknown> = (route) => {
  const validate = validatorCompiler(route as Parameters<typeof validatorCompiler>[0]);
  const isPatchBody = route.method === 'PATCH' && route.httpPart === 'body';
  return (data: unknown) => {
    const nul = findNul(data);
    if (nul) return { error: [issue(nul, 'must not contain NUL characters (\\u0000)')] };
    const result = validate(data);
    const checked = typeof result === 'object' && !('then' in result) ? result : undefined;
    if (isPatchBody && checked?.error === undefined && changesNothing(checked?.value)) {
      return { error: [issue([], 'nothing to change: send at least one field to change')] };
    }
    return result;
  };
};
