/** What `cardwarden-unlock issue` does with a PIV card, against an in-memory software PIV card, for server tests. */
import { newPivCardState, PivCard } from '@cardwarden/card-sim';
import { fromHex, toHex } from '@cardwarden/protocol/hex';
import { type AdminKeyAlgorithm } from '@cardwarden/protocol/admin-key';
import { exchangeApdu, formatSw, parseDynamicAuth, type CardTransport } from '@cardwarden/protocol/apdu';
import {
  pivChangeReferenceData,
  pivGeneralAuthenticate,
  pivSelect,
  pivVerify,
  PIV_PIN_REFERENCE,
  YUBIKEY_DEFAULT_PIN,
} from '@cardwarden/protocol/piv';
import type { ApiClient } from '@cardwarden/integration-tests/api-client';
import { TPM_DEFAULT_KEY } from '@cardwarden/integration-tests/fixtures';
import { expectOk, type Step } from './issuance-driver.js';
import { api, pathTo } from '@cardwarden/contract';

export interface PivStep extends Step {
  cardType: 'gids' | 'piv';
  algorithm: AdminKeyAlgorithm | null;
}

/** A factory-fresh YubiKey-like card: default management key, PIN and PUK. */
export function newPivCard(serial: number, key = TPM_DEFAULT_KEY): PivCard {
  return new PivCard(
    newPivCardState({ serial, algorithm: '3des', managementKey: key, pin: '123456', puk: '12345678' }),
  );
}

/**
 * The PIV issue loop. `stopAfter: 'write-key'` stops once the card took the new key, before it proves it;
 * `currentPin` is the card's PIN when it is not the factory default (SET PIN RETRIES wants it verified).
 */
export async function issuePiv(
  client: ApiClient,
  transport: CardTransport,
  body: Record<string, unknown>,
  options: { stopAfter?: 'write-key'; pin?: string; currentPin?: string } = {},
): Promise<PivStep> {
  const started = await client.post<PivStep>(pathTo(api.issuances.start), body);
  expectOk(started, 201);
  let step = started.body;
  await exchangeApdu(transport, pivSelect());
  for (;;) {
    if (step.step === 'authenticate') {
      const algorithm = step.algorithm ?? '3des';
      const witness = await exchangeApdu(
        transport,
        pivGeneralAuthenticate(algorithm, { witness: new Uint8Array() }),
      );
      const answer = await client.post<{ cryptogram: string }>(
        pathTo(api.issuances.authenticate, { id: step.id }),
        {
          cardChallenge: toHex(parseDynamicAuth(witness.data).witness!),
        },
      );
      expectOk(answer);
      const card = await exchangeApdu(
        transport,
        pivGeneralAuthenticate(algorithm, {
          witness: fromHex(answer.body.cryptogram),
          challenge: fromHex(step.hostChallenge ?? ''),
        }),
      );
      const proof =
        card.sw === 0x9000
          ? { cardCryptogram: toHex(parseDynamicAuth(card.data).response!) }
          : { refused: true, statusWord: formatSw(card.sw) };
      const next = await client.post<PivStep>(pathTo(api.issuances.proof, { id: step.id }), proof);
      expectOk(next);
      step = next.body;
    } else if (step.step === 'write-key') {
      const sw = (await exchangeApdu(transport, fromHex(step.apdus[0] ?? ''))).sw;
      if (options.stopAfter === 'write-key') return step;
      const next = await client.post<PivStep>(pathTo(api.issuances.keyWritten, { id: step.id }), {
        statusWords: [formatSw(sw)],
      });
      expectOk(next);
      step = next.body;
    } else if (step.step === 'finish') {
      const statusWords = [
        formatSw((await exchangeApdu(transport, pivVerify(options.currentPin ?? YUBIKEY_DEFAULT_PIN))).sw),
      ];
      if (statusWords[0] === '9000') {
        statusWords.length = 0;
        for (const apdu of step.apdus)
          statusWords.push(formatSw((await exchangeApdu(transport, fromHex(apdu))).sw));
      }
      const newPin = options.pin ?? options.currentPin;
      if (statusWords.every((sw) => sw === '9000') && newPin !== undefined) {
        await exchangeApdu(transport, pivChangeReferenceData(PIV_PIN_REFERENCE, YUBIKEY_DEFAULT_PIN, newPin));
      }
      const next = await client.post<PivStep>(pathTo(api.issuances.finish, { id: step.id }), {
        statusWords,
        pinSet: Boolean(options.pin),
      });
      expectOk(next);
      step = next.body;
    } else return step;
  }
}
