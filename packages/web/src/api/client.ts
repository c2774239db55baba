/**
 * The one way the portals talk to the REST API: JSON over fetch with the bearer token of the portal's
 * sign-in. A 401 on a signed-in call means the sign-in has ended: the token is dropped and listeners
 * (the app shell) send the person back to the sign-in page.
 */
import {
  pathTo,
  withQuery,
  type Endpoint,
  type PathArgs,
  type PathParamNames,
  type QueryValues,
  type RequestBody,
  type RouteDefinition,
  type SuccessBody,
} from '@cardwarden/contract/endpoints';
import { ApiError, toApiError } from './api-error.js';

export type Portal = 'operator' | 'cardholder';

type Listener = () => void;

/** Where a portal keeps its token: per browser tab, gone when the tab closes. */
export class TokenStore {
  private readonly key: string;
  private readonly listeners = new Set<Listener>();
  private ended = false;

  constructor(portal: Portal) {
    this.key = `cardwarden.${portal}.token`;
  }

  get(): string | null {
    try {
      return sessionStorage.getItem(this.key);
    } catch {
      return null;
    }
  }

  set(token: string | null, ended = false): void {
    try {
      if (token === null) sessionStorage.removeItem(this.key);
      else sessionStorage.setItem(this.key, token);
    } catch {
      // Storage can be disabled; the sign-in then lasts until a reload.
    }
    this.ended = ended;
    for (const listener of this.listeners) listener();
  }

  /** Whether the last sign-out was the server ending the sign-in (not the person signing out). */
  endedByServer(): boolean {
    return this.ended;
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

export interface RequestOptions {
  readonly method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  readonly body?: unknown;
  readonly query?: QueryValues | undefined;
  readonly signal?: AbortSignal | undefined;
}

/** What a call of one route takes: its path parameters, its body, a query, an abort signal. */
export type CallOptions<R extends RouteDefinition> = ([PathParamNames<R['path']>] extends [never]
  ? { readonly params?: undefined }
  : { readonly params: PathArgs<R>[0] }) &
  (R extends { readonly body: object }
    ? { readonly body: RequestBody<R> }
    : { readonly body?: undefined }) & {
    readonly query?: QueryValues | undefined;
    readonly signal?: AbortSignal | undefined;
  };

type CallArgs<R extends RouteDefinition> =
  object extends CallOptions<R> ? [CallOptions<R>?] : [CallOptions<R>];

export class ApiClient {
  readonly tokens: TokenStore;

  constructor(tokens: TokenStore) {
    this.tokens = tokens;
  }

  /** Calls one route of the contract's table; the answer is typed by the route's success response. */
  async call<R extends RouteDefinition>(
    endpoint: Endpoint<R>,
    ...[options]: CallArgs<R>
  ): Promise<SuccessBody<R>> {
    const path = (pathTo as (route: Endpoint<R>, params?: object) => string)(endpoint, options?.params);
    return this.request<SuccessBody<R>>(path, {
      method: endpoint.method,
      body: options?.body,
      query: options?.query,
      signal: options?.signal,
    });
  }

  /** The raw answer of one route, for downloads (CSV export). Throws ApiError on any error status. */
  async download<R extends RouteDefinition>(
    endpoint: Endpoint<R>,
    ...[options]: CallArgs<R>
  ): Promise<Response> {
    const path = (pathTo as (route: Endpoint<R>, params?: object) => string)(endpoint, options?.params);
    return this.fetch(path, { method: endpoint.method, query: options?.query, signal: options?.signal });
  }

  async request<T>(path: string, options: RequestOptions = {}): Promise<T> {
    const response = await this.fetch(path, options);
    if (response.status === 204) return undefined as T;
    return (await response.json()) as T;
  }

  async fetch(path: string, options: RequestOptions = {}): Promise<Response> {
    const token = this.tokens.get();
    const headers: Record<string, string> = { accept: 'application/json' };
    if (token) headers.authorization = `Bearer ${token}`;
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    try {
      response = await fetch(withQuery(path, options.query), {
        method: options.method ?? 'GET',
        headers,
        body: options.body === undefined ? null : JSON.stringify(options.body),
        signal: options.signal ?? null,
        credentials: 'omit',
        cache: 'no-store',
      });
    } catch (cause) {
      if (cause instanceof DOMException && cause.name === 'AbortError') throw cause;
      throw new ApiError(0, 'network', 'network error');
    }
    if (response.ok) return response;
    let body: unknown = null;
    try {
      body = await response.json();
    } catch {
      // Not JSON: a proxy or a crash; toApiError names the status.
    }
    const error = toApiError(response.status, body);
    if (response.status === 401 && token !== null) this.tokens.set(null, true);
    throw error;
  }
}

export const operatorTokens = new TokenStore('operator');
export const cardholderTokens = new TokenStore('cardholder');
export const operatorApi = new ApiClient(operatorTokens);
export const cardholderApi = new ApiClient(cardholderTokens);
