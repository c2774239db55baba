/**
 * A small HTTP client for tests: real requests to a listening server. `call` takes a route of the contract's
 * table, so its parameters, body and answer are typed by the route; `get`, `post` and `request` send any path
 * and any body, for the tests that send what no well-behaved client would.
 */
import {
  api,
  pathTo,
  withQuery,
  type OptionsArgs,
  type RouteDefinition,
  type RouteInput,
  type SuccessBody,
} from '@cardwarden/contract';

export interface ApiResponse<T = Record<string, unknown>> {
  readonly status: number;
  readonly body: T;
  readonly text: string;
  readonly headers: Headers;
}

/** What a call of one route takes: its path parameters, query and body (typed by the route), headers. */
export type CallOptions<R extends RouteDefinition> = RouteInput<R> & {
  readonly headers?: Record<string, string>;
};

type CallArgs<R extends RouteDefinition> = OptionsArgs<CallOptions<R>>;

export class ApiClient {
  constructor(
    readonly baseUrl: string,
    readonly token?: string,
  ) {}

  as(token: string): ApiClient {
    return new ApiClient(this.baseUrl, token);
  }

  async request<T = Record<string, unknown>>(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<ApiResponse<T>> {
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: {
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : {};
    } catch {
      parsed = {};
    }
    return { status: response.status, body: parsed as T, text, headers: response.headers };
  }

  /**
   * Calls one route of the contract's table. The answer's `body` is typed by the route's success answer:
   * check `status` first, since an error answer carries the error body there.
   *
   * @example
   * const card = await admin.call(api.cards.get, { params: { id } });
   * expect(card.status).toBe(200);
   * expect(card.body.serial).toBe(serial);
   */
  call<R extends RouteDefinition>(route: R, ...[options]: CallArgs<R>): Promise<ApiResponse<SuccessBody<R>>> {
    const path = (pathTo as (route: R, params?: object) => string)(route, options?.params);
    return this.request<SuccessBody<R>>(
      route.method,
      withQuery(path, options?.query),
      options?.body,
      options?.headers,
    );
  }

  /**
   * Calls one route and insists on a success status the route declares (a route declaring 201 refuses a
   * 200, as a test insisting on 201 would): its body, typed by the route. For the steps a test sets up and
   * the answers it reads; it throws with the status and the answer's text otherwise.
   *
   * @example
   * const { id } = await admin.callOk(api.profiles.create, { body: { name: 'staff' } });
   */
  async callOk<R extends RouteDefinition>(route: R, ...args: CallArgs<R>): Promise<SuccessBody<R>> {
    const response = await this.call(route, ...args);
    if (!Object.hasOwn(route.responses, response.status))
      throw new Error(`${route.method} ${route.path} → ${response.status}: ${response.text}`);
    return response.body;
  }

  get<T = Record<string, unknown>>(path: string) {
    return this.request<T>('GET', path);
  }
  post<T = Record<string, unknown>>(path: string, body: unknown = {}) {
    return this.request<T>('POST', path, body);
  }
  patch<T = Record<string, unknown>>(path: string, body: unknown) {
    return this.request<T>('PATCH', path, body);
  }
  put<T = Record<string, unknown>>(path: string, body: unknown) {
    return this.request<T>('PUT', path, body);
  }
  delete<T = Record<string, unknown>>(path: string) {
    return this.request<T>('DELETE', path);
  }

  /** Signs in and returns a client that sends the token. */
  async login(username: string, password: string, path = pathTo(api.auth.login)): Promise<ApiClient> {
    const response = await this.post<{ token: string }>(path, { username, password });
    if (response.status !== 200)
      throw new Error(`login ${username} failed: ${response.status} ${response.text}`);
    return this.as(response.body.token);
  }
}
