/**
 * The anonymous online-unlock requests as the unlock tool sends them, for the suites that test the flow
 * from several sides (the flow itself, its GIDS proof, the response budget, master keys): each suite then
 * says only what it checks.
 */
import { api as routes, pathTo } from '@cardwarden/contract';
import { fromHex, toHex } from '@cardwarden/protocol/hex';
import { secureRandomBytes } from '@cardwarden/protocol/crypto';
import type { ApiClient, ApiResponse } from '@cardwarden/integration-tests/api-client';
import { answersFor, type SecurityFixture } from '@cardwarden/integration-tests/security-fixture';

/** A started session, as much of it as the tests read. */
export interface OnlineSession {
  readonly id: string;
  readonly questions: { id: string; text: string }[];
  readonly answerAttemptsRemaining: number;
  readonly pinRules: unknown;
  /** R1, for cards that can prove an unblock by GIDS mutual authentication; null for others. */
  readonly hostChallenge: string | null;
}

export function startOnlineUnlock(
  api: ApiClient,
  serial: string,
  headers: Record<string, string> = {},
): Promise<ApiResponse<OnlineSession>> {
  return api.request<OnlineSession>(
    'POST',
    pathTo(routes.onlineUnlock.start),
    { cardSerial: serial },
    headers,
  );
}

/** A session answered right, at the point where the card checks the host cryptogram. */
export interface MutualAuthStep {
  readonly session: OnlineSession;
  /** The server's challenge (R1) and the card's (R2). */
  readonly r1: Uint8Array;
  readonly r2: Uint8Array;
  /** The server's answer to R2: the host cryptogram E_K(R2 || R1 || Z1), or why not. */
  readonly issued: ApiResponse<{ cryptogram: string; adminKeyAttemptsRemaining: number }>;
}

/**
 * Starts a session for `serial` (the test fails unless it starts) and answers its questions with the
 * card challenge `r2`, a fresh one unless given.
 */
export async function toMutualAuth(
  api: ApiClient,
  f: SecurityFixture,
  serial: string,
  r2: Uint8Array = secureRandomBytes(16),
): Promise<MutualAuthStep> {
  const started = await startOnlineUnlock(api, serial);
  if (started.status !== 201) throw new Error(`start: ${started.status} ${started.text}`);
  const session = started.body;
  const issued = await api.post<MutualAuthStep['issued']['body']>(
    pathTo(routes.onlineUnlock.mutualAuth, { id: session.id }),
    { answers: answersFor(f, session.questions), cardChallenge: toHex(r2) },
  );
  return { session, r1: fromHex(session.hostChallenge ?? ''), r2, issued };
}

/** Sends the card's cryptogram for session `id`: bytes as the card computed them, or a string as is. */
export function confirmMutualAuth(
  api: ApiClient,
  id: string,
  cardCryptogram: Uint8Array | string,
): Promise<ApiResponse> {
  return api.post(pathTo(routes.onlineUnlock.confirmMutualAuth, { id }), {
    cardCryptogram: typeof cardCryptogram === 'string' ? cardCryptogram : toHex(cardCryptogram),
  });
}
