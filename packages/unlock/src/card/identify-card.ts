/** Which kind of card is in the reader, its serial and its PIN state: what `list` shows and commands check. */
import { toHex } from '@cardwarden/protocol/hex';
import { findTlv, SW, triesLeftOf, type CardTransport } from '@cardwarden/protocol/apdu';
import {
  gidsGetData,
  gidsSelect,
  GIDS_APPLICATION_FILE,
  GIDS_MASTERFILE,
  GIDS_PIN_STATUS_DO,
  parseGidsMasterfile,
  parseGidsPinStatus,
} from '@cardwarden/protocol/gids';
import { pivSelect, pivVerify, yubicoGetSerial } from '@cardwarden/protocol/piv';
import { exchange } from './card-exchange.js';

export interface PinState {
  /** Tries left, when the card tells. */
  readonly triesLeft: number | undefined;
  readonly tryLimit: number | undefined;
  readonly blocked: boolean;
}

export type CardIdentity =
  | { readonly type: 'gids'; readonly serial: string | undefined; readonly pin: PinState | undefined }
  | { readonly type: 'piv'; readonly serial: string | undefined; readonly pin: PinState | undefined }
  | { readonly type: 'unknown' };

/** The cardid: found through the masterfile as OpenSC does, else at its usual place A012/DF20. */
async function readGidsSerial(transport: CardTransport): Promise<string | undefined> {
  let file = 0xa012;
  let dataObject = 0xdf20;
  const masterfile = await exchange(transport, gidsGetData(GIDS_MASTERFILE.file, GIDS_MASTERFILE.dataObject));
  if (masterfile.sw === SW.OK) {
    try {
      const value = findTlv(masterfile.data, GIDS_MASTERFILE.dataObject);
      const record =
        value && parseGidsMasterfile(value).find((r) => r.directory === '' && r.name === 'cardid');
      if (record) ({ file, dataObject } = record);
    } catch {
      // An unreadable masterfile: fall back to the usual place.
    }
  }
  const answer = await exchange(transport, gidsGetData(file, dataObject));
  if (answer.sw !== SW.OK) return undefined;
  try {
    const serial = findTlv(answer.data, dataObject);
    return serial ? toHex(serial) : undefined;
  } catch {
    return undefined;
  }
}

/** Reads the GIDS PIN status object. */
export async function readGidsPinState(transport: CardTransport): Promise<PinState | undefined> {
  const answer = await exchange(transport, gidsGetData(GIDS_APPLICATION_FILE, GIDS_PIN_STATUS_DO));
  if (answer.sw !== SW.OK) return undefined;
  try {
    const { triesLeft, tryLimit } = parseGidsPinStatus(answer.data);
    return { triesLeft, tryLimit, blocked: triesLeft === 0 };
  } catch {
    return undefined;
  }
}

/** The PIV PIN state from an empty VERIFY, which costs no try. */
export async function readPivPinState(transport: CardTransport): Promise<PinState | undefined> {
  const { sw } = await exchange(transport, pivVerify());
  if (sw === SW.AUTH_METHOD_BLOCKED) return { triesLeft: 0, tryLimit: undefined, blocked: true };
  const tries = triesLeftOf(sw);
  if (tries !== undefined) return { triesLeft: tries, tryLimit: undefined, blocked: tries === 0 };
  if (sw === SW.OK) return { triesLeft: undefined, tryLimit: undefined, blocked: false };
  return undefined;
}

async function readPivSerial(transport: CardTransport): Promise<string | undefined> {
  const answer = await exchange(transport, yubicoGetSerial());
  if (answer.sw !== SW.OK || answer.data.length !== 4) return undefined;
  return String(new DataView(answer.data.buffer, answer.data.byteOffset).getUint32(0));
}

/** Selects GIDS, else PIV, and reads what there is to show. Leaves the found application selected. */
export async function identifyCard(transport: CardTransport): Promise<CardIdentity> {
  if ((await exchange(transport, gidsSelect())).sw === SW.OK) {
    const serial = await readGidsSerial(transport);
    return { type: 'gids', serial, pin: await readGidsPinState(transport) };
  }
  if ((await exchange(transport, pivSelect())).sw === SW.OK) {
    const serial = await readPivSerial(transport);
    return { type: 'piv', serial, pin: await readPivPinState(transport) };
  }
  return { type: 'unknown' };
}
