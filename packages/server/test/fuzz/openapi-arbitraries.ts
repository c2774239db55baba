/**
 * fast-check arbitraries for requests to the routes of an OpenAPI document: well-formed values drawn from
 * each schema, mixed with hostile ones (NUL and control characters, lone surrogates, huge and negative
 * numbers, wrong types, extra keys, deep nesting), so that the fuzzer reaches the services as well as the
 * validators.
 */
import fc from 'fast-check';

export interface JsonSchema {
  readonly type?: string | readonly string[];
  readonly properties?: Readonly<Record<string, JsonSchema>>;
  readonly required?: readonly string[];
  readonly items?: JsonSchema;
  readonly enum?: readonly unknown[];
  readonly anyOf?: readonly JsonSchema[];
  readonly oneOf?: readonly JsonSchema[];
  readonly allOf?: readonly JsonSchema[];
  readonly $ref?: string;
  readonly format?: string;
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly minimum?: number;
  readonly maximum?: number;
}

export interface Operation {
  readonly method: string;
  readonly path: string;
  readonly pathParams: readonly string[];
  readonly query: Readonly<Record<string, JsonSchema>>;
  readonly body: JsonSchema | undefined;
  readonly secured: boolean;
}

interface OpenApiDocument {
  readonly paths: Record<string, Record<string, OpenApiOperation>>;
  readonly components?: { readonly schemas?: Record<string, JsonSchema> };
}

interface OpenApiOperation {
  readonly parameters?: readonly { in: string; name: string; schema?: JsonSchema }[];
  readonly requestBody?: { content?: Record<string, { schema?: JsonSchema }> };
  readonly security?: readonly unknown[];
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete'];

/** Every operation of `document`. */
export function operationsOf(document: unknown): Operation[] {
  const doc = document as OpenApiDocument;
  const operations: Operation[] = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [method, operation] of Object.entries(item)) {
      if (!METHODS.includes(method)) continue;
      const parameters = operation.parameters ?? [];
      operations.push({
        method: method.toUpperCase(),
        path,
        pathParams: parameters.filter((p) => p.in === 'path').map((p) => p.name),
        query: Object.fromEntries(
          parameters.filter((p) => p.in === 'query').map((p) => [p.name, p.schema ?? {}]),
        ),
        body: operation.requestBody?.content?.['application/json']?.schema,
        secured: (operation.security ?? []).length > 0,
      });
    }
  }
  return operations;
}

/** Strings an attacker tries first. */
export const hostileString = fc.constantFrom(
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '\u0000'.repeat(3),
  '\ud800',
  '\udfff\ud800',
  '\u202e\u0007\u001b[31m',
  "'; drop table users; --",
  '%00',
  '../../etc/passwd',
  '${jndi:ldap://x}',
  '<script>alert(1)</script>',
  'x'.repeat(70_000),
  'é'.repeat(300),
  '😀'.repeat(200),
  '00000000-0000-0000-0000-000000000000',
  'ffffffff-ffff-ffff-ffff-ffffffffffff',
  'NaN',
  '-1',
  '1e309',
  'null',
  'true',
  '0557 897F 8D84 407B',
  'zz',
);

const anyString = fc.oneof(
  { weight: 3, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 3, arbitrary: hostileString },
  { weight: 1, arbitrary: fc.uuid() },
  {
    weight: 2,
    arbitrary: fc
      .tuple(fc.string({ maxLength: 12 }), fc.constantFrom('\u0000', '\ud800', '\u0001'))
      .map(([text, bad]) => `${text}${bad}${text}`),
  },
  { weight: 1, arbitrary: fc.stringMatching(/^[0-9A-F]{16}$|^[0-9A-F]{32}$|^[0-9A-F]{48}$|^[0-9A-F]{80}$/) },
);

const anyNumber = fc.oneof(
  fc.integer({ min: -5, max: 40 }),
  fc.integer(),
  fc.constantFrom(0, -1, 2 ** 31, 2 ** 53, -(2 ** 63), 1e308, -1e308, 0.5, Number.MIN_VALUE),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
);

/** Any JSON value at all, with hostile strings in it. */
export const anyJson: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    anyString,
    anyNumber,
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(fc.oneof(fc.string({ maxLength: 8 }), hostileString), tie('value'), { maxKeys: 4 }),
  ),
})).value;

function resolve(schema: JsonSchema, components: Record<string, JsonSchema>): JsonSchema {
  if (!schema.$ref) return schema;
  const name = schema.$ref.split('/').pop() ?? '';
  return components[name] ?? {};
}

/** Values for `schema`: mostly shaped like it, sometimes anything at all. */
export function valueFor(
  schema: JsonSchema,
  components: Record<string, JsonSchema> = {},
  depth = 0,
): fc.Arbitrary<unknown> {
  const resolved = resolve(schema, components);
  const shaped = shapedValue(resolved, components, depth);
  return fc.oneof({ weight: 6, arbitrary: shaped }, { weight: 1, arbitrary: anyJson });
}

function shapedValue(
  schema: JsonSchema,
  components: Record<string, JsonSchema>,
  depth: number,
): fc.Arbitrary<unknown> {
  if (depth > 6) return anyJson;
  const alternatives = schema.anyOf ?? schema.oneOf ?? schema.allOf;
  if (alternatives && alternatives.length > 0) {
    return fc.oneof(...alternatives.map((s) => valueFor(s, components, depth + 1)));
  }
  if (schema.enum && schema.enum.length > 0) {
    return fc.oneof(
      { weight: 4, arbitrary: fc.constantFrom(...schema.enum) },
      { weight: 1, arbitrary: anyString },
    );
  }
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case 'object': {
      const properties = schema.properties ?? {};
      const entries = Object.entries(properties).map(
        ([key, value]) => [key, valueFor(value, components, depth + 1)] as const,
      );
      // Mostly every field present, so that requests get past validation into the services.
      const record = fc.oneof(
        { weight: 3, arbitrary: fc.record(Object.fromEntries(entries)) },
        { weight: 1, arbitrary: fc.record(Object.fromEntries(entries), { requiredKeys: [] }) },
      );
      return fc
        .tuple(record, fc.dictionary(hostileString, anyJson, { maxKeys: 1 }), fc.boolean())
        .map(([value, extra, addExtra]) => (addExtra ? { ...value, ...extra } : value));
    }
    case 'array':
      return fc.array(valueFor(schema.items ?? {}, components, depth + 1), { maxLength: 5 });
    case 'string':
      if (schema.format === 'uuid') return fc.oneof(fc.uuid(), anyString);
      if (schema.format === 'email') return fc.oneof(fc.emailAddress(), anyString);
      return anyString;
    case 'integer':
    case 'number':
      return anyNumber;
    case 'boolean':
      return fc.oneof({ weight: 4, arbitrary: fc.boolean() }, { weight: 1, arbitrary: anyJson });
    default:
      return anyJson;
  }
}
