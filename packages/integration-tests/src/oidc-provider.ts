/**
 * A real OpenID Connect provider (oidc-provider) inside the test process, on 127.0.0.1, with one client
 * for Cardwarden, PKCE required, a groups claim, RP-initiated logout, and its development login and
 * consent forms (any password; the login names the account). Plus a small fetch-driven "browser" that
 * follows redirects, keeps cookies per origin and path, and submits those forms, as a person would.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';
import { api, pathTo } from '@cardwarden/contract';
import type { SsoConfig } from '@cardwarden/server';

export interface TestAccount {
  readonly preferred_username?: string;
  readonly email?: string;
  readonly email_verified?: boolean;
  readonly name?: string;
  readonly groups?: readonly string[];
}

export interface TestProvider {
  readonly issuer: string;
  readonly clientId: string;
  readonly clientSecret: string;
  /** Accounts by login; change them between sign-ins (groups follow). */
  readonly accounts: Map<string, TestAccount>;
  close(): Promise<void>;
}

export async function startTestProvider(options: {
  redirectUris: string[];
  postLogoutRedirectUris: string[];
}): Promise<TestProvider> {
  const accounts = new Map<string, TestAccount>();
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const issuer = `http://127.0.0.1:${String(port)}`;
  const clientId = 'cardwarden-test';
  const clientSecret = 'test client secret that is long enough for HS256 keys';
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        redirect_uris: options.redirectUris,
        post_logout_redirect_uris: options.postLogoutRedirectUris,
        grant_types: ['authorization_code'],
        response_types: ['code'],
        // auth_time in every ID token: self-service sign-in can count as a step-up when it is fresh.
        require_auth_time: true,
      },
    ],
    pkce: { required: () => true },
    claims: {
      openid: ['sub'],
      email: ['email', 'email_verified'],
      profile: ['preferred_username', 'name', 'groups'],
    },
    features: { devInteractions: { enabled: true }, rpInitiatedLogout: { enabled: true } },
    cookies: { keys: ['cardwarden test provider cookie key'] },
    findAccount: (_ctx, id) => {
      const account = accounts.get(id);
      if (!account) return undefined;
      return {
        accountId: id,
        claims: () => ({ sub: id, ...account, groups: account.groups ? [...account.groups] : undefined }),
      };
    },
  });
  provider.on('server_error', () => undefined);
  const handle = provider.callback();
  server.on('request', (request, response) => {
    void handle(request, response);
  });
  return {
    issuer,
    clientId,
    clientSecret,
    accounts,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          resolve();
        });
      }),
  };
}

interface StoredCookie {
  value: string;
  path: string;
}

/** A person's browser: cookies per origin (with paths), redirects followed by hand. */
export class TestBrowser {
  private readonly jar = new Map<string, Map<string, StoredCookie>>();
  /** Every URL visited, in order (to check that no token travelled in one). */
  readonly visited: string[] = [];

  private cookieHeader(url: URL): string {
    const cookies = this.jar.get(url.origin);
    if (!cookies) return '';
    return [...cookies]
      .filter(([, cookie]) => url.pathname.startsWith(cookie.path))
      .map(([name, cookie]) => `${name}=${cookie.value}`)
      .join('; ');
  }

  private store(url: URL, response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair = '', ...attributes] = line.split(';').map((part) => part.trim());
      const at = pair.indexOf('=');
      const name = pair.slice(0, at);
      const value = pair.slice(at + 1);
      const path = attributes.find((a) => a.toLowerCase().startsWith('path='))?.slice(5) ?? '/';
      const gone = attributes.some((a) => /^max-age=0$/i.test(a) || /^expires=thu, 01 jan 1970/i.test(a));
      const cookies = this.jar.get(url.origin) ?? new Map<string, StoredCookie>();
      this.jar.set(url.origin, cookies);
      if (gone || value === '') cookies.delete(name);
      else cookies.set(name, { value, path });
    }
  }

  cookie(origin: string, name: string): string | undefined {
    return this.jar.get(origin)?.get(name)?.value;
  }

  /** One request, no redirect followed. */
  async request(
    url: string | URL,
    init: {
      method?: string;
      form?: Record<string, string>;
      json?: unknown;
      headers?: Record<string, string>;
    } = {},
  ): Promise<Response> {
    const target = new URL(url);
    this.visited.push(target.href);
    const headers: Record<string, string> = { ...init.headers };
    const cookie = this.cookieHeader(target);
    if (cookie) headers.cookie = cookie;
    let body: string | undefined;
    if (init.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(init.form).toString();
    } else if (init.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(init.json);
    }
    const response = await fetch(target, {
      method: init.method ?? (body === undefined ? 'GET' : 'POST'),
      headers,
      body,
      redirect: 'manual',
    });
    this.store(target, response);
    return response;
  }

  /**
   * Follows redirects from `url`, signing in as `login` at the provider's form and consenting, until a
   * page that is not a redirect and not the provider's form. `stopAt` ends it before visiting a URL
   * (an attacker keeping the callback URL for a victim).
   */
  async signIn(
    url: string,
    login: string,
    stopAt?: (url: URL) => boolean,
  ): Promise<{ url: URL; response: Response; forms: number }> {
    let current = new URL(url);
    let response = await this.request(current);
    let forms = 0;
    for (let hops = 0; hops < 20; hops++) {
      if (response.status >= 300 && response.status < 400) {
        const location = response.headers.get('location');
        if (!location) throw new Error(`redirect without location from ${current.href}`);
        current = new URL(location, current);
        if (stopAt?.(current)) return { url: current, response, forms };
        response = await this.request(current);
        continue;
      }
      const html = response.headers.get('content-type')?.includes('text/html') ? await response.text() : '';
      const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1];
      if (!action) return { url: current, response, forms };
      forms++;
      // Its hidden fields (prompt, xsrf), its named submit button, and on the login form a login.
      const form: Record<string, string> = {};
      for (const [, name = '', value = ''] of html.matchAll(
        /<input type="hidden" name="([^"]+)" value="([^"]*)"/g,
      ))
        form[name] = value;
      for (const [, value = '', name = ''] of html.matchAll(/<button[^>]*value="([^"]*)" name="([^"]+)"/g))
        form[name] = value;
      if (/name="login"/.test(html)) Object.assign(form, { login, password: 'any password' });
      current = new URL(action.replace(/&amp;/g, '&'), current);
      response = await this.request(current, { form });
    }
    throw new Error('too many redirects');
  }
}

/**
 * Cardwarden's SSO configuration for `provider`, with the server reached at `publicUrl`: what the SSO
 * suites (the server's and the unlock tool's) start the server with, differing only in the group roles
 * and the step-up age.
 */
export function ssoConfigFor(
  provider: TestProvider,
  publicUrl: string,
  options: { groupRoles?: SsoConfig['groupRoles']; stepUpMaxAgeSeconds: number },
): SsoConfig {
  return {
    issuer: provider.issuer,
    clientId: provider.clientId,
    clientSecret: provider.clientSecret,
    redirectUrl: `${publicUrl}${pathTo(api.sso.callback)}`,
    postLogoutRedirectUrl: `${publicUrl}/`,
    scopes: ['openid', 'profile', 'email'],
    groupsClaim: 'groups',
    groupRoles: options.groupRoles ?? new Map(),
    usernameClaim: 'preferred_username',
    cardholderMatch: 'username',
    allowInsecureHttp: true,
    stepUpMaxAgeSeconds: options.stepUpMaxAgeSeconds,
  };
}
