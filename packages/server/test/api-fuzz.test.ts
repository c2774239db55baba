/**
 * Property: no request, however hostile, gets a 5xx. Every route of the OpenAPI document, with random and
 * hostile path parameters, query strings and bodies, without a token, with a bad one, and with a valid
 * token of each role. CARDWARDEN_FUZZ_COUNT requests on PGlite (5,000 by default; a tenth of that on
 * PostgreSQL), seeded by CARDWARDEN_FUZZ_SEED to replay a failure.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  answersFor,
  createSecurityFixture,
  type SecurityFixture,
} from '@cardwarden/integration-tests/security-fixture';
import { forEachDatabase, startTestServer, type TestServer } from '@cardwarden/integration-tests/test-server';
import {
  anyJson,
  hostileString,
  operationsOf,
  valueFor,
  type JsonSchema,
  type Operation,
} from './fuzz/openapi-arbitraries.js';
import { api, pathTo } from '@cardwarden/contract';

const COUNT = Number(process.env.CARDWARDEN_FUZZ_COUNT ?? 5_000);
const SEED =
  process.env.CARDWARDEN_FUZZ_SEED === undefined ? Date.now() : Number(process.env.CARDWARDEN_FUZZ_SEED);

interface FuzzRequest {
  readonly operation: Operation;
  readonly params: Readonly<Record<string, string>>;
  readonly query: Readonly<Record<string, unknown>>;
  readonly body:
    { kind: 'json'; value: unknown } | { kind: 'raw'; text: string; type: string } | { kind: 'none' };
  readonly auth: string;
}

/** JSON text of a generated value (never undefined: the generators make JSON values only). */
function toJson(value: unknown): string {
  return value === undefined ? 'null' : JSON.stringify(value);
}

/** Percent-encodes anything, lone surrogates included (encodeURIComponent throws on them). */
function encodeSegment(value: string): string {
  try {
    return encodeURIComponent(value);
  } catch {
    return value
      .split(/([\ud800-\udfff])/)
      .map((part) => (/^[\ud800-\udfff]$/.test(part) ? '%ED%A0%80' : encodeURIComponent(part)))
      .join('');
  }
}

function queryString(query: Readonly<Record<string, unknown>>): string {
  const parts = Object.entries(query).map(
    ([key, value]) =>
      `${encodeSegment(key)}=${encodeSegment(typeof value === 'string' ? value : toJson(value))}`,
  );
  return parts.length > 0 ? `?${parts.join('&')}` : '';
}

function describeRequest(request: FuzzRequest): string {
  return JSON.stringify({
    ...request,
    operation: `${request.operation.method} ${request.operation.path}`,
  }).slice(0, 2000);
}

forEachDatabase('API fuzz over every route of the OpenAPI document', (kind) => {
  let server: TestServer;
  let f: SecurityFixture;
  let operations: Operation[];
  let components: Record<string, JsonSchema>;
  const tokens = new Map<string, string>();
  let knownIds: string[] = [];

  beforeAll(async () => {
    server = await startTestServer(kind, {
      config: { onlineUnlockLimits: { perAddress: 1_000_000, perCard: 10_000, windowMinutes: 10 } },
    });
    f = await createSecurityFixture(server.api);
    const document = (
      await server.api.get<{ components?: { schemas?: Record<string, JsonSchema> } }>('/api/openapi.json')
    ).body;
    operations = operationsOf(document);
    components = document.components?.schemas ?? {};
    for (const [role, client] of Object.entries({
      admin: f.admin,
      supervisor: f.supervisor,
      operator: f.operator,
      auditor: f.auditor,
      cardholder: f.cardholder,
    })) {
      tokens.set(role, client.token ?? '');
    }
    // Real ids let requests get past "not found" into the services.
    const session = await f.operator.post<{ id: string }>(
      pathTo(api.offlineUnblocks.start, { id: f.cardId }),
      {},
    );
    const online = await server.api.post<{ id: string; questions: { id: string }[] }>(
      pathTo(api.onlineUnlock.start),
      {
        cardSerial: f.serial,
      },
    );
    await server.api.post(pathTo(api.onlineUnlock.response, { id: online.body.id }), {
      answers: answersFor(f, online.body.questions),
      challenge: '0557897F8D84407B',
    });
    knownIds = [f.userId, f.cardId, f.profileId, session.body.id, online.body.id, ...f.questionIds];
  });
  afterAll(async () => {
    await server.close();
  });

  function requestFor(operation: Operation): fc.Arbitrary<FuzzRequest> {
    const param = fc.oneof(
      { weight: 3, arbitrary: fc.constantFrom(...knownIds) },
      { weight: 2, arbitrary: fc.uuid() },
      { weight: 2, arbitrary: hostileString },
      { weight: 1, arbitrary: fc.string({ maxLength: 30 }) },
    );
    const params = fc.record(Object.fromEntries(operation.pathParams.map((name) => [name, param])));
    const query = fc.oneof(
      fc.record(
        Object.fromEntries(
          Object.entries(operation.query).map(([name, schema]) => [name, valueFor(schema, components)]),
        ),
        { requiredKeys: [] },
      ),
      fc.dictionary(hostileString, anyJson, { maxKeys: 2 }),
    );
    const hasBody = operation.method !== 'GET' && operation.method !== 'DELETE';
    const body = hasBody
      ? fc.oneof(
          {
            weight: 8,
            arbitrary: valueFor(operation.body ?? {}, components).map((value) => ({
              kind: 'json' as const,
              value,
            })),
          },
          {
            weight: 1,
            arbitrary: fc.record({
              kind: fc.constant('raw' as const),
              text: fc.oneof(
                fc.string({ maxLength: 50 }),
                fc.constantFrom('{"a":', '[', '{"__proto__":{"x":1}}', '\u0000'),
              ),
              type: fc.constantFrom(
                'application/json',
                'text/plain',
                'application/x-www-form-urlencoded',
                'application/json; charset=latin1',
              ),
            }),
          },
          { weight: 1, arbitrary: fc.constant({ kind: 'none' as const }) },
        )
      : fc.constant({ kind: 'none' as const });
    const auth = fc.constantFrom(
      'none',
      'garbage',
      'admin',
      'supervisor',
      'operator',
      'auditor',
      'cardholder',
    );
    return fc.record({ operation: fc.constant(operation), params, query, body, auth });
  }

  async function send(request: FuzzRequest): Promise<number> {
    const { operation } = request;
    const path = operation.path.replace(/\{(\w+)\}/g, (_, name: string) =>
      encodeSegment(request.params[name] ?? ''),
    );
    const headers: Record<string, string> = {};
    if (request.auth === 'garbage') headers.authorization = 'Bearer 0123456789abcdef0123456789abcdef';
    else if (request.auth !== 'none') headers.authorization = `Bearer ${tokens.get(request.auth) ?? ''}`;
    let payload: string | undefined;
    if (request.body.kind === 'json') {
      headers['content-type'] = 'application/json';
      payload = toJson(request.body.value);
    } else if (request.body.kind === 'raw') {
      headers['content-type'] = request.body.type;
      payload = request.body.text;
    }
    const response = await fetch(`${server.url}${path}${queryString(request.query)}`, {
      method: operation.method,
      headers,
      ...(payload === undefined ? {} : { body: payload }),
    });
    await response.arrayBuffer();
    return response.status;
  }

  it(
    'answers every request with less than 500',
    async () => {
      // Signing out would end the token the rest of the run uses.
      const fuzzed = operations.filter((o) => !o.path.endsWith('/logout'));
      expect(fuzzed.length).toBeGreaterThan(30);
      const hits = new Map<string, number>();
      const time = new Map<string, number>();
      const runs = kind === 'pglite' ? COUNT : Math.max(100, Math.ceil(COUNT / 10));
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom(...fuzzed).chain((operation) => requestFor(operation)),
          async (request) => {
            const key = `${request.operation.method} ${request.operation.path}`;
            hits.set(key, (hits.get(key) ?? 0) + 1);
            const started = performance.now();
            const status = await send(request);
            time.set(key, (time.get(key) ?? 0) + performance.now() - started);
            if (status >= 500) throw new Error(`${status} for ${describeRequest(request)}`);
          },
        ),
        { numRuns: runs, seed: SEED, endOnFailure: false },
      );
      // Every route was tried, when the run is long enough for that to be likely.
      if (runs >= 20 * fuzzed.length) expect(hits.size).toBe(fuzzed.length);
      if (process.env.CARDWARDEN_FUZZ_PROFILE) {
        console.info(
          [...time]
            .sort((a, b) => b[1] - a[1])
            .slice(0, 12)
            .map(([k, t]) => `${k}: ${Math.round(t)} ms / ${hits.get(k)}`)
            .join('\n'),
        );
      }
      console.info(`fuzz (${kind}): ${runs} requests over ${hits.size} routes, seed ${SEED}`);
    },
    Math.max(120_000, COUNT * 60),
  );
});
