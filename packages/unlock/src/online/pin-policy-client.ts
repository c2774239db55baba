/**
 * `offline --server`: the PIN rules of the card's profile, from the server's anonymous look-up
 * (`GET /api/v1/online-unlock/pin-policy?serial=`), so a PIN the organisation refuses is caught before the
 * card spends anything. The answer is checked against the contract's schema.
 */
import { PinPolicy, api, relativePathTo } from '@cardwarden/contract';
import { UnlockFailure } from '../unlock-failure.js';
import { connectionFailure } from './connection-failure.js';
import { getJson, type HttpJsonOptions } from './http-json.js';
import { refusalFailure } from './server-refusal.js';

/**
 * @param base the server's base URL, ending in `/` (from `parseServerAddress`).
 * @example await fetchPinPolicy(new URL('https://unlock.example.org/'), 'C0FFEE01')
 */
export async function fetchPinPolicy(
  base: URL,
  serial: string,
  options: HttpJsonOptions = {},
): Promise<PinPolicy> {
  const url = new URL(relativePathTo(api.onlineUnlock.pinPolicy), base);
  url.searchParams.set('serial', serial);
  let answer;
  try {
    answer = await getJson(url, options);
  } catch (error) {
    throw connectionFailure(error, base);
  }
  if (answer.status !== 200) throw refusalFailure(answer.status, answer.body);
  const parsed = PinPolicy.safeParse(answer.body);
  if (!parsed.success) {
    throw new UnlockFailure(
      'server.bad_answer',
      'the server’s PIN rules do not have the expected shape: is --server a Cardwarden server of a matching version? Nothing was changed on the card',
    );
  }
  return parsed.data;
}
