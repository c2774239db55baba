/**
 * The server side of `online`: the three online-unlock endpoints of the REST contract. Requests and answers
 * are both checked against the contract's schemas: the tool does not trust an answer's shape.
 */
import {
  OnlineUnlockConfirmation,
  OnlineUnlockConfirmBody,
  OnlineUnlockMutualAuthBody,
  OnlineUnlockMutualAuthResponse,
  OnlineUnlockOutcomeBody,
  OnlineUnlockResponse,
  OnlineUnlockResponseBody,
  OnlineUnlockSession,
  SsoDevicePollBody,
  SsoDevicePollResponse,
  SsoDeviceRequest,
  StartOnlineUnlockBody,
  api,
  relativePathTo,
} from '@cardwarden/contract';
import type { z } from 'zod';
import { UnlockFailure } from '../unlock-failure.js';
import { connectionFailure } from './connection-failure.js';
import { postJson, type HttpJsonOptions } from './http-json.js';
import { refusalFailure } from './server-refusal.js';

export interface SecurityAnswer {
  readonly questionId: string;
  readonly answer: string;
}

export class OnlineUnlockClient {
  /**
   * @param base the server's base URL, ending in `/` (from `parseServerAddress`).
   * @example new OnlineUnlockClient(new URL('https://unlock.example.org/'), { ca: pem })
   */
  constructor(
    private readonly base: URL,
    private readonly options: HttpJsonOptions = {},
  ) {}

  /** The server's address, for messages. */
  get origin(): string {
    return this.base.origin;
  }

  /** Starts a session for the card: its questions, the profile's PIN rules and the challenge length. */
  startSession(cardSerial: string, ssoStepUp?: string): Promise<OnlineUnlockSession> {
    return this.post(
      relativePathTo(api.onlineUnlock.start),
      StartOnlineUnlockBody.parse(ssoStepUp === undefined ? { cardSerial } : { cardSerial, ssoStepUp }),
      201,
      OnlineUnlockSession,
    );
  }

  /** Sends the answers and the card's challenge; the server checks the answers and computes the response. */
  requestResponse(
    sessionId: string,
    answers: readonly SecurityAnswer[],
    challenge: string,
  ): Promise<OnlineUnlockResponse> {
    return this.post(
      relativePathTo(api.onlineUnlock.response, { id: sessionId }),
      OnlineUnlockResponseBody.parse({ answers, challenge }),
      200,
      OnlineUnlockResponse,
    );
  }

  /**
   * GIDS mutual authentication: sends the answers and the card's R2; the server checks the answers and
   * returns its cryptogram E_K(R2 ‖ R1 ‖ Z1) for the session's R1.
   */
  requestMutualAuth(
    sessionId: string,
    answers: readonly SecurityAnswer[],
    cardChallenge: string,
  ): Promise<OnlineUnlockMutualAuthResponse> {
    return this.post(
      relativePathTo(api.onlineUnlock.mutualAuth, { id: sessionId }),
      OnlineUnlockMutualAuthBody.parse({ answers, cardChallenge }),
      200,
      OnlineUnlockMutualAuthResponse,
    );
  }

  /** Sends the card's own cryptogram, which proves the unblock to the server. */
  confirmUnblock(sessionId: string, cardCryptogram: string): Promise<OnlineUnlockConfirmation> {
    return this.post(
      relativePathTo(api.onlineUnlock.confirmMutualAuth, { id: sessionId }),
      OnlineUnlockConfirmBody.parse({ cardCryptogram }),
      200,
      OnlineUnlockConfirmation,
    );
  }

  /** Asks for an SSO step-up: the URL the cardholder opens in a browser, and the token to poll with. */
  requestStepUp(): Promise<SsoDeviceRequest> {
    return this.post(relativePathTo(api.sso.requestDevice), {}, 201, SsoDeviceRequest);
  }

  /** Pending until the browser sign-in ends; then the step-up proof (once). */
  pollStepUp(pollToken: string): Promise<SsoDevicePollResponse> {
    return this.post(
      relativePathTo(api.sso.pollDevice),
      SsoDevicePollBody.parse({ pollToken }),
      200,
      SsoDevicePollResponse,
    );
  }

  /** Tells the server whether the card took the response, for its audit trail and attempt budget. */
  async reportOutcome(sessionId: string, result: 'unblocked' | 'failed'): Promise<void> {
    const path = relativePathTo(api.onlineUnlock.outcome, { id: sessionId });
    const answer = await this.send(path, OnlineUnlockOutcomeBody.parse({ result }));
    if (answer.status < 200 || answer.status > 299) throw refusalFailure(answer.status, answer.body);
  }

  private async send(path: string, body: unknown) {
    const url = new URL(path, this.base);
    try {
      return await postJson(url, body, this.options);
    } catch (error) {
      throw connectionFailure(error, this.base);
    }
  }

  private async post<T>(path: string, body: unknown, expected: number, schema: z.ZodType<T>): Promise<T> {
    const answer = await this.send(path, body);
    if (answer.status !== expected) throw refusalFailure(answer.status, answer.body);
    const parsed = schema.safeParse(answer.body);
    if (!parsed.success) {
      throw new UnlockFailure(
        'server.bad_answer',
        `the server's answer does not have the expected shape (${parsed.error.issues[0]?.path.join('.') ?? 'body'}): is --server a Cardwarden server of a matching version? Nothing was changed on the card`,
      );
    }
    return parsed.data;
  }
}
