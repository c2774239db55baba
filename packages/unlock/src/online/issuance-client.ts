/**
 * The server side of `issue`: sign-in and the issuance endpoints. Answers are checked against the
 * contract's schemas. The server's refusals are written for the operator, so they are passed on as they are.
 */
import {
  ErrorBody,
  IssuanceAuthenticateResponse,
  IssuanceStep,
  LoginResponse,
  type IssuanceProofBody,
  type StartIssuanceBody,
  api,
  relativePathTo,
} from '@cardwarden/contract';
import type { z } from 'zod';
import { UnlockFailure } from '../unlock-failure.js';
import { connectionFailure } from './connection-failure.js';
import { postJson, type HttpJsonOptions } from './http-json.js';

export class IssuanceClient {
  constructor(
    private readonly base: URL,
    private readonly options: HttpJsonOptions,
  ) {}

  get origin(): string {
    return this.base.origin;
  }

  /** A client that sends `token` with every request. */
  withToken(token: string): IssuanceClient {
    return new IssuanceClient(this.base, { ...this.options, token });
  }

  /** Signs the operator in; the token lives in memory only. */
  async signIn(username: string, password: string): Promise<string> {
    const answer = await this.send(relativePathTo(api.auth.login), { username, password });
    if (answer.status === 401 || answer.status === 403) {
      throw new UnlockFailure(
        'issuance.sign_in',
        `the server refused the sign-in: ${errorMessage(answer.body)}`,
      );
    }
    return this.check(answer, 200, LoginResponse).token;
  }

  /** Ends the sign-in; a failure only means the token expires by itself. */
  async signOut(): Promise<void> {
    try {
      await postJson(new URL(relativePathTo(api.auth.logout), this.base), {}, this.options);
    } catch {
      // Nothing to do: the token expires on its own.
    }
  }

  start(body: StartIssuanceBody): Promise<IssuanceStep> {
    return this.post(relativePathTo(api.issuances.start), body, 201, IssuanceStep);
  }

  authenticate(id: string, cardChallenge: string): Promise<IssuanceAuthenticateResponse> {
    return this.post(
      relativePathTo(api.issuances.authenticate, { id }),
      { cardChallenge },
      200,
      IssuanceAuthenticateResponse,
    );
  }

  proof(id: string, body: IssuanceProofBody): Promise<IssuanceStep> {
    return this.post(relativePathTo(api.issuances.proof, { id }), body, 200, IssuanceStep);
  }

  keyWritten(id: string, statusWord: string): Promise<IssuanceStep> {
    return this.post(
      relativePathTo(api.issuances.keyWritten, { id }),
      { statusWords: [statusWord] },
      200,
      IssuanceStep,
    );
  }

  finish(id: string, statusWords: string[], pinSet: boolean): Promise<IssuanceStep> {
    return this.post(
      relativePathTo(api.issuances.finish, { id }),
      { statusWords, pinSet },
      200,
      IssuanceStep,
    );
  }

  private async send(path: string, body: unknown) {
    try {
      return await postJson(new URL(path, this.base), body, this.options);
    } catch (error) {
      throw connectionFailure(error, this.base);
    }
  }

  private async post<T>(path: string, body: unknown, expected: number, schema: z.ZodType<T>): Promise<T> {
    return this.check(await this.send(path, body), expected, schema);
  }

  private check<T>(answer: { status: number; body: unknown }, expected: number, schema: z.ZodType<T>): T {
    if (answer.status !== expected) {
      if (answer.status === 401) {
        throw new UnlockFailure(
          'issuance.sign_in',
          `the server wants a sign-in: ${errorMessage(answer.body)} (sign in again, or renew CARDWARDEN_TOKEN)`,
        );
      }
      throw new UnlockFailure('issuance.refused', `the server refused: ${errorMessage(answer.body)}`);
    }
    const parsed = schema.safeParse(answer.body);
    if (!parsed.success) {
      throw new UnlockFailure(
        'server.bad_answer',
        `the server's answer does not have the expected shape (${parsed.error.issues[0]?.path.join('.') ?? 'body'}): is --server a Cardwarden server of a matching version?`,
      );
    }
    return parsed.data;
  }
}

function errorMessage(body: unknown): string {
  const parsed = ErrorBody.safeParse(body);
  return parsed.success
    ? `${parsed.data.error.message} (${parsed.data.error.code})`
    : 'an answer that is not Cardwarden’s';
}
