/** A small REST client for seeding data and checking what the UI did, as a user of the API would. */
import { api, pathTo } from '@cardwarden/contract';
export interface ApiResponse<T> {
  readonly status: number;
  readonly body: T;
}

export class Api {
  constructor(
    readonly url: string,
    readonly token?: string,
  ) {}

  async call<T = unknown>(method: string, path: string, body?: unknown): Promise<ApiResponse<T>> {
    const headers: Record<string, string> = {};
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(`${this.url}${path}`, {
      method,
      headers,
      body: body === undefined ? null : JSON.stringify(body),
    });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      // keep the text
    }
    return { status: response.status, body: parsed as T };
  }

  /** Calls and insists on `status`; returns the body. */
  async expect<T = unknown>(status: number, method: string, path: string, body?: unknown): Promise<T> {
    const response = await this.call<T>(method, path, body);
    if (response.status !== status) {
      throw new Error(
        `${method} ${path}: expected ${status}, got ${response.status} ${JSON.stringify(response.body)}`,
      );
    }
    return response.body;
  }

  async login(username: string, password: string, path = pathTo(api.auth.login)): Promise<Api> {
    const { token } = await this.expect<{ token: string }>(200, 'POST', path, { username, password });
    return new Api(this.url, token);
  }
}
