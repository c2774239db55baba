/**
 * The one way the portals talk to the REST API: JSON over fetch with the bearer token of the portal's
 * sign-in. A 401 on a signed-in call means the sign-in has ended: the token is dropped and listeners
 * (the app shell) send the person back to the sign-in page.
 */
import {
  pathTo,
  withQuery,
  type Endpoint,
  type OptionsArgs,
  type ParamsInput,
  type QueryInput,
  type QueryValues,
  type RouteDefinition,
  type RouteInput,
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

interface RequestOptions {
  readonly method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  readonly body?: unknown;
  readonly query?: QueryValues | undefined;
  readonly signal?: AbortSignal | undefined;
}

/** What a call of one route takes: its path parameters, its body, its query, an abort signal. */
export type CallOptions<R extends RouteDefinition> = RouteInput<R> & {
  readonly signal?: AbortSignal | undefined;
};

type CallArgs<R extends RouteDefinition> = OptionsArgs<CallOptions<R>>;

/** What an upload of a file to one route takes: its path parameters, the file's type, a query, progress. */
export type UploadOptions<R extends RouteDefinition> = ParamsInput<R> &
  QueryInput<R> & {
    readonly contentType: string;
    readonly onProgress?: (sent: number, total: number) => void;
  };

/**
 * An upload's answer: the route's success body, or an error answer with its body (a route may report in
 * it, as the import does with its line report on a 422).
 */
export type UploadAnswer<R extends RouteDefinition> =
  | { readonly ok: true; readonly body: SuccessBody<R> }
  | { readonly ok: false; readonly error: ApiError; readonly body: unknown };

/** How a client signs its calls. */
interface ClientOptions {
  /** This token (none for null) instead of the stored one; a 401 then leaves the stored sign-in alone. */
  readonly token?: string | null;
  /** Whether the browser sends our cookies: only the SSO exchange needs them (its result is one). */
  readonly credentials?: 'omit' | 'same-origin';
}

/** The path of one route, its parameters filled in. */
function pathOf<R extends RouteDefinition>(endpoint: Endpoint<R>, params: object | undefined): string {
  return (pathTo as (route: Endpoint<R>, params?: object) => string)(endpoint, params);
}

export class ApiClient {
  readonly tokens: TokenStore;
  private readonly options: ClientOptions;

  constructor(tokens: TokenStore, options: ClientOptions = {}) {
    this.tokens = tokens;
    this.options = options;
  }

  /**
   * A client that calls with this token instead of the stored one: the limited token a password gives
   * while the second factor is owed, which is not stored.
   */
  withToken(token: string): ApiClient {
    return new ApiClient(this.tokens, { ...this.options, token });
  }

  /** A client that sends no token, but our same-origin cookies (the SSO status and exchange). */
  anonymous(): ApiClient {
    return new ApiClient(this.tokens, { token: null, credentials: 'same-origin' });
  }

  /** Calls one route of the contract's table; the answer is typed by the route's success response. */
  async call<R extends RouteDefinition>(
    endpoint: Endpoint<R>,
    ...[options]: CallArgs<R>
  ): Promise<SuccessBody<R>> {
    return this.request<SuccessBody<R>>(pathOf(endpoint, options?.params), {
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
    return this.fetch(pathOf(endpoint, options?.params), {
      method: endpoint.method,
      query: options?.query,
      signal: options?.signal,
    });
  }

  /**
   * Sends a file as the body of one route (the import), reporting upload progress: XMLHttpRequest is
   * the one browser API that does. An error answer is returned with its body, not thrown; no answer at
   * all throws ApiError (network).
   */
  upload<R extends RouteDefinition>(
    endpoint: Endpoint<R>,
    file: Blob,
    options: UploadOptions<R>,
  ): Promise<UploadAnswer<R>> {
    return new Promise((resolve, reject) => {
      const token = this.token();
      const request = new XMLHttpRequest();
      request.open(endpoint.method, withQuery(pathOf(endpoint, options.params), options.query));
      if (token) request.setRequestHeader('authorization', `Bearer ${token}`);
      request.setRequestHeader('content-type', options.contentType);
      request.setRequestHeader('accept', 'application/json');
      const { onProgress } = options;
      if (onProgress) {
        request.upload.onprogress = (event) => {
          onProgress(event.loaded, event.lengthComputable ? event.total : file.size);
        };
      }
      request.onerror = () => {
        reject(new ApiError(0, 'network', 'network error'));
      };
      request.onload = () => {
        let body: unknown = null;
        try {
          body = JSON.parse(request.responseText);
        } catch {
          // Not JSON: a proxy or a crash; toApiError names the status.
        }
        if (request.status >= 200 && request.status < 300) {
          resolve({ ok: true, body: body as SuccessBody<R> });
          return;
        }
        this.ended(request.status, token);
        resolve({ ok: false, error: toApiError(request.status, body), body });
      };
      request.send(file);
    });
  }

  /** The token to send: the client's own, or the stored one. */
  private token(): string | null {
    return this.options.token === undefined ? this.tokens.get() : this.options.token;
  }

  /** A 401 to a call with the stored token: the sign-in has ended. */
  private ended(status: number, token: string | null): void {
    if (status === 401 && token !== null && this.options.token === undefined) this.tokens.set(null, true);
  }

  private async request<T>(path: string, options: RequestOptions = {}): Promise<T> {
    const response = await this.fetch(path, options);
    // No content: the routes declare it as `z.null()`.
    if (response.status === 204) return null as T;
    return (await response.json()) as T;
  }

  private async fetch(path: string, options: RequestOptions = {}): Promise<Response> {
    const token = this.token();
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
        credentials: this.options.credentials ?? 'omit',
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
    this.ended(response.status, token);
    throw error;
  }
}

export const operatorTokens = new TokenStore('operator');
export const cardholderTokens = new TokenStore('cardholder');
export const operatorApi = new ApiClient(operatorTokens);
export const cardholderApi = new ApiClient(cardholderTokens);
