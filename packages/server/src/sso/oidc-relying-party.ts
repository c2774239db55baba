/**
 * The OpenID Connect relying party: discovery, the authorization URL (code flow with PKCE, state and
 * nonce), the callback's checks and the RP-initiated logout URL. All of openid-client stays in this file.
 */
import * as oidc from 'openid-client';
import type { SsoConfig } from '../config.js';

/** What must be kept between sending the browser to the provider and its return. */
export interface PendingAuthorization {
  readonly state: string;
  readonly nonce: string;
  readonly codeVerifier: string;
  /** Seconds: a step-up asks for a sign-in at most this old and checks auth_time against it. */
  readonly maxAge: number | undefined;
}

/** The person the provider vouched for: ID token claims, completed by userinfo. */
export interface VerifiedIdentity {
  readonly issuer: string;
  readonly subject: string;
  readonly claims: Readonly<Record<string, unknown>>;
  /** When the person last authenticated at the provider (auth_time), if the provider said. */
  readonly authTime: Date | undefined;
  /** Kept only as the hint of the RP-initiated logout (sealed in sso_pending, under the bearer token's digest). */
  readonly idToken: string | undefined;
}

/** The provider could not be reached or its discovery document is unusable. */
export class ProviderUnavailable extends Error {
  override readonly name = 'ProviderUnavailable';
}

/** The provider's answer did not pass a check (state, PKCE, nonce, issuer, signature, max_age…). */
export class AuthorizationRejected extends Error {
  override readonly name = 'AuthorizationRejected';
}

export class OidcRelyingParty {
  private discovered: Promise<oidc.Configuration> | undefined;

  constructor(readonly config: SsoConfig) {}

  /** Discovery is lazy and cached; a failure is retried at the next sign-in, so an outage at start is no crash. */
  private configuration(): Promise<oidc.Configuration> {
    this.discovered ??= (async () => {
      try {
        return await oidc.discovery(
          new URL(this.config.issuer),
          this.config.clientId,
          this.config.clientSecret,
          this.config.clientSecret === undefined ? oidc.None() : undefined,
          // Only with CARDWARDEN_OIDC_ALLOW_INSECURE_HTTP=true (tests), which the server logs as a warning.
          // eslint-disable-next-line @typescript-eslint/no-deprecated -- deprecated only to stand out, as here
          this.config.allowInsecureHttp ? { execute: [oidc.allowInsecureRequests] } : undefined,
        );
      } catch (error) {
        this.discovered = undefined;
        throw new ProviderUnavailable(
          `the identity provider ${this.config.issuer} cannot be reached: ${error instanceof Error ? error.message : String(error)}`,
        );
      }
    })();
    return this.discovered;
  }

  /** The URL that sends the browser to the provider, and what the callback must check. */
  async begin(options: {
    maxAge?: number | undefined;
  }): Promise<{ url: URL; pending: PendingAuthorization }> {
    const configuration = await this.configuration();
    const codeVerifier = oidc.randomPKCECodeVerifier();
    const pending: PendingAuthorization = {
      state: oidc.randomState(),
      nonce: oidc.randomNonce(),
      codeVerifier,
      maxAge: options.maxAge,
    };
    const parameters: Record<string, string> = {
      redirect_uri: this.config.redirectUrl,
      scope: this.config.scopes.join(' '),
      code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: 'S256',
      state: pending.state,
      nonce: pending.nonce,
    };
    if (options.maxAge !== undefined) {
      // A step-up: a sign-in at the provider now, not a session it remembers.
      parameters.max_age = String(options.maxAge);
      parameters.prompt = 'login';
    }
    return { url: oidc.buildAuthorizationUrl(configuration, parameters), pending };
  }

  /**
   * Checks the provider's answer (issuer, state, PKCE, nonce, ID token signature and audience, max_age)
   * and redeems the code. Email and other claims missing from the ID token come from userinfo.
   */
  async finish(callbackUrl: URL, pending: PendingAuthorization): Promise<VerifiedIdentity> {
    const configuration = await this.configuration();
    let tokens;
    try {
      tokens = await oidc.authorizationCodeGrant(configuration, callbackUrl, {
        pkceCodeVerifier: pending.codeVerifier,
        expectedState: pending.state,
        expectedNonce: pending.nonce,
        idTokenExpected: true,
        ...(pending.maxAge !== undefined ? { maxAge: pending.maxAge } : {}),
      });
    } catch (error) {
      throw new AuthorizationRejected(describe(error));
    }
    const idClaims = tokens.claims();
    if (!idClaims) throw new AuthorizationRejected('the provider sent no ID token');
    let claims: Record<string, unknown> = { ...idClaims };
    const needsUserinfo =
      claims.email === undefined ||
      claims[this.config.groupsClaim] === undefined ||
      claims[this.config.usernameClaim] === undefined;
    if (needsUserinfo && configuration.serverMetadata().userinfo_endpoint) {
      try {
        const userinfo = await oidc.fetchUserInfo(configuration, tokens.access_token, idClaims.sub);
        // The ID token's claims win: they are signed.
        claims = { ...userinfo, ...claims };
      } catch (error) {
        throw new AuthorizationRejected(`userinfo: ${describe(error)}`);
      }
    }
    return {
      issuer: idClaims.iss,
      subject: idClaims.sub,
      claims,
      authTime: typeof idClaims.auth_time === 'number' ? new Date(idClaims.auth_time * 1000) : undefined,
      idToken: tokens.id_token,
    };
  }

  /** The provider's RP-initiated logout URL, or undefined when it offers none. */
  async endSessionUrl(idTokenHint: string | undefined): Promise<string | undefined> {
    let configuration;
    try {
      configuration = await this.configuration();
    } catch {
      return undefined;
    }
    if (!configuration.serverMetadata().end_session_endpoint) return undefined;
    const parameters: Record<string, string> = {
      post_logout_redirect_uri: this.config.postLogoutRedirectUrl,
      client_id: this.config.clientId,
    };
    if (idTokenHint) parameters.id_token_hint = idTokenHint;
    return oidc.buildEndSessionUrl(configuration, parameters).href;
  }
}

/** openid-client's message and code, never a token (its errors carry none in their message). */
function describe(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return typeof code === 'string' ? `${error.message} (${code})` : error.message;
  }
  return String(error);
}
