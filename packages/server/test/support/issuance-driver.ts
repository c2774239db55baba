/** What `cardwarden-unlock issue` does, against an in-memory software GIDS card, for server tests. */
import { GidsCard, newGidsCardState, SoftwareCardTransport } from '@cardwarden/card-sim';
import { fromHex, toHex } from '@cardwarden/protocol/hex';
import {
  asciiBytes,
  exchangeApdu,
  formatSw,
  parseDynamicAuth,
  type CardTransport,
} from '@cardwarden/protocol/apdu';
import {
  gidsMseSetAdminKey,
  gidsMutualHostChallenge,
  gidsMutualHostCryptogram,
  gidsResetRetryCounter,
  gidsSelect,
  MSE_MUTUAL_AUTH,
} from '@cardwarden/protocol/gids';
import type { ApiClient } from '@cardwarden/integration-tests/api-client';
import { computeAdminResponse, keyCheckValue } from '@cardwarden/protocol/crypto';
import { expect } from 'vitest';
import {
  createFixture,
  createOperator,
  TPM_DEFAULT_KEY,
  unique,
  type Fixture,
} from '@cardwarden/integration-tests/fixtures';
import { api as routes, pathTo } from '@cardwarden/contract';

export interface Step {
  id: string;
  cardId: string;
  step: 'authenticate' | 'write-key' | 'finish' | 'done';
  keySlot: 'current' | 'pending' | null;
  hostChallenge: string | null;
  apdus: string[];
  pinTryLimit: number | null;
}

export function newCard(serial: string, key = TPM_DEFAULT_KEY): GidsCard {
  return new GidsCard(newGidsCardState({ serial, algorithm: '3des', adminKey: key, pin: '12345678' }));
}

export function expectOk(response: { status: number; text: string }, status = 200): void {
  if (response.status !== status)
    throw new Error(`expected ${status}, got ${response.status}: ${response.text}`);
}

/**
 * What `cardwarden-unlock issue` does with the card, step by step. `stopAfter: 'write-key'` stops once the
 * card took the new key, before it proves it (a killed tool).
 */
export async function issue(
  client: ApiClient,
  transport: CardTransport,
  body: Record<string, unknown>,
  options: { stopAfter?: 'write-key'; pin?: string } = {},
): Promise<Step> {
  const started = await client.post<Step>(pathTo(routes.issuances.start), body);
  expectOk(started, 201);
  let step = started.body;
  await exchangeApdu(transport, gidsSelect({ fci: false }));
  for (;;) {
    if (step.step === 'authenticate') {
      await exchangeApdu(transport, gidsMseSetAdminKey(MSE_MUTUAL_AUTH));
      const r2 = parseDynamicAuth(
        (await exchangeApdu(transport, gidsMutualHostChallenge(fromHex(step.hostChallenge ?? '')))).data,
      ).challenge!;
      const answer = await client.post<{ cryptogram: string }>(
        pathTo(routes.issuances.authenticate, { id: step.id }),
        {
          cardChallenge: toHex(r2),
        },
      );
      expectOk(answer);
      const card = await exchangeApdu(transport, gidsMutualHostCryptogram(fromHex(answer.body.cryptogram)));
      const proof =
        card.sw === 0x9000
          ? { cardCryptogram: toHex(parseDynamicAuth(card.data).response!) }
          : { refused: true, statusWord: formatSw(card.sw) };
      const next = await client.post<Step>(pathTo(routes.issuances.proof, { id: step.id }), proof);
      expectOk(next);
      step = next.body;
    } else if (step.step === 'write-key') {
      const sw = (await exchangeApdu(transport, fromHex(step.apdus[0] ?? ''))).sw;
      if (options.stopAfter === 'write-key') return step;
      const next = await client.post<Step>(pathTo(routes.issuances.keyWritten, { id: step.id }), {
        statusWords: [formatSw(sw)],
      });
      expectOk(next);
      step = next.body;
    } else if (step.step === 'finish') {
      const statusWords: string[] = [];
      for (const apdu of step.apdus)
        statusWords.push(formatSw((await exchangeApdu(transport, fromHex(apdu))).sw));
      if (options.pin) await exchangeApdu(transport, gidsResetRetryCounter(asciiBytes(options.pin)));
      const next = await client.post<Step>(pathTo(routes.issuances.finish, { id: step.id }), {
        statusWords,
        pinSet: Boolean(options.pin),
      });
      expectOk(next);
      step = next.body;
    } else return step;
  }
}

/** The standard fixture, an issuer and an issuing profile: what both issuance suites (GIDS, PIV) start from. */
export interface IssuanceFixture extends Fixture {
  readonly issuer: ApiClient;
  /** The issuing profile (with a master when asked for). */
  readonly issuing: { readonly id: string; readonly name: string };
}

export async function createIssuanceFixture(
  api: ApiClient,
  profile: Record<string, unknown>,
  options: { master?: boolean } = {},
): Promise<IssuanceFixture> {
  const f = await createFixture(api);
  const issuer = (await createOperator(f.admin, 'issuer')).client;
  const name = unique(options.master ? 'derived' : 'issued');
  const created = await f.admin.post<{ id: string }>(pathTo(routes.profiles.create), { name, ...profile });
  expectOk(created, 201);
  if (options.master)
    expectOk(await f.admin.post(pathTo(routes.masters.create, { id: created.body.id }), {}), 201);
  return { ...f, issuer, issuing: { id: created.body.id, name } };
}

/**
 * The help desk's check that the card's current key is `keyHex`: blocks the PIN, reads the card's
 * challenge, and expects the server's response to it to be E_K(challenge).
 */
export async function expectHelpDeskResponse(
  operator: ApiClient,
  card: GidsCard,
  cardId: string,
  keyHex: string,
): Promise<void> {
  const session = await operator.post<{ id: string }>(
    pathTo(routes.offlineUnblocks.start, { id: cardId }),
    {},
  );
  expectOk(session, 201);
  card.blockPin();
  const transport = new SoftwareCardTransport(card);
  await exchangeApdu(transport, gidsSelect({ fci: false }));
  await exchangeApdu(transport, gidsMseSetAdminKey());
  const challenge = parseDynamicAuth(
    (await exchangeApdu(transport, fromHex('00870000047C02810000'))).data,
  ).challenge!;
  const issued = await operator.post<{ response: string }>(
    pathTo(routes.offlineUnblocks.response, { id: session.body.id }),
    { challenge: toHex(challenge) },
  );
  expectOk(issued);
  expect(issued.body.response).toBe(toHex(computeAdminResponse('3des', fromHex(keyHex), challenge)));
}

/** Which key the server holds as card `cardId`'s current one: its check value must be that of `keyHex`. */
export async function expectCurrentKey(client: ApiClient, cardId: string, keyHex: string): Promise<void> {
  const card = await client.get<{ adminKey: { kcv: string } }>(pathTo(routes.cards.get, { id: cardId }));
  expectOk(card);
  expect(card.body.adminKey.kcv).toBe(toHex(keyCheckValue('3des', fromHex(keyHex))));
}
