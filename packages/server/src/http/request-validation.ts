/**
 * Request validation: the zod schemas of each route, after two checks that hold for every route, so that
 * no input reaches the database in a form it refuses with a 5xx:
 * - no NUL character in any string or object key of a body, query or path (PostgreSQL refuses U+0000
 *   in text and jsonb), and no unpaired UTF-16 surrogate (not text, and not encodable as UTF-8);
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

/** A UTF-16 surrogate without its pair: not text, and not storable as UTF-8. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Why `text` cannot be stored as text, or undefined when it can. */
function textProblem(text: string): string | undefined {
  if (text.includes('\u0000')) return 'must not contain NUL characters (\\u0000)';
  if (LONE_SURROGATE.test(text)) return 'must be valid Unicode text (it holds an unpaired surrogate)';
  return undefined;
}

/** The path and problem of the first string or key that cannot be stored as text, or undefined. */
export function findBadText(
  value: unknown,
  path: (string | number)[] = [],
  depth = 0,
): { path: (string | number)[]; problem: string } | undefined {
  if (typeof value === 'string') {
    const problem = textProblem(value);
    return problem === undefined ? undefined : { path, problem };
  }
  if (depth > 32 || typeof value !== 'object' || value === null) return undefined;
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) {
      const found = findBadText(item, [...path, index], depth + 1);
      if (found) return found;
    }
    return undefined;
  }
  for (const [key, item] of Object.entries(value)) {
    const problem = textProblem(key);
    if (problem !== undefined) return { path: [...path, JSON.stringify(key).slice(1, -1)], problem };
    const found = findBadText(item, [...path, key], depth + 1);
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
    const bad = findBadText(data);
    if (bad) return { error: [issue(bad.path, bad.problem)] };
    const result = validate(data);
    const checked = typeof result === 'object' && !('then' in result) ? result : undefined;
    if (isPatchBody && checked?.error === undefined && changesNothing(checked?.value)) {
      return { error: [issue([], 'nothing to change: send at least one field to change')] };
    }
    return result;
  };
};
