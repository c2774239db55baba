/** `CardAccess` over PC/SC: lists readers, connects shared with T=1 (or T=0), transmits APDUs. */
import { CardRemovedError, type CardTransport } from '@cardwarden/protocol/apdu';
import { setTimeout as sleep } from 'node:timers/promises';
import type { CardAccess, ConnectedCard, ReaderInfo } from '../card-access.js';
import { UnlockFailure } from '../unlock-failure.js';
import { openPcscLite, type PcscLite, type PcscReader } from './pcsc-binding.js';

/** PC/SC return codes that mean the card is gone or was reset (pcsclite.h). */
const CARD_GONE_CODES = ['80100069', '80100068', '8010000C', '80100017', '80100066', '80100067', '80100009'];
/** Room for any short-APDU response plus status (258) with margin for extended ones. */
const RESPONSE_BUFFER = 65538;
/** How long to wait for pcscd to list its readers and their states. */
const SETTLE_MS = 1500;

function isCardGone(error: Error): boolean {
  const code = /0x([0-9A-Fa-f]{8})/.exec(error.message)?.[1]?.toUpperCase();
  return code !== undefined && CARD_GONE_CODES.includes(code);
}

class PcscTransport implements CardTransport {
  constructor(
    private readonly reader: PcscReader,
    private readonly protocol: number,
  ) {}

  transmit(apdu: Uint8Array): Promise<Uint8Array> {
    return new Promise((resolve, reject) => {
      this.reader.transmit(Buffer.from(apdu), RESPONSE_BUFFER, this.protocol, (error, response) => {
        if (error) {
          reject(isCardGone(error) ? new CardRemovedError('the card was removed or reset') : error);
        } else resolve(new Uint8Array(response));
      });
    });
  }
}

export class PcscCardAccess implements CardAccess {
  private readonly readers = new Map<string, { reader: PcscReader; state: number | undefined }>();
  private failure: Error | undefined;
  private firstReaderSeen = false;

  private constructor(private readonly pcsc: PcscLite) {
    pcsc.on('error', (error) => {
      this.failure = error;
    });
    pcsc.on('reader', (reader) => {
      this.firstReaderSeen = true;
      const entry = { reader, state: undefined as number | undefined };
      this.readers.set(reader.name, entry);
      // pcsclite reports errors on readers as events; without a listener Node would throw.
      reader.on('error', () => undefined);
      reader.on('status', ({ state }) => {
        entry.state = state;
      });
      reader.on('end', () => {
        this.readers.delete(reader.name);
      });
    });
  }

  /** Opens PC/SC; fails with what to install when the binding is missing. */
  static open(): PcscCardAccess {
    return new PcscCardAccess(openPcscLite());
  }

  async listReaders(): Promise<ReaderInfo[]> {
    // The binding announces readers asynchronously and says nothing when there are none: wait a little.
    for (let waited = 0; waited < SETTLE_MS; waited += 20) {
      if (this.failure) break;
      const settled =
        this.firstReaderSeen && [...this.readers.values()].every((entry) => entry.state !== undefined);
      if (settled) break;
      await sleep(20);
    }
    if (this.failure && this.readers.size === 0) {
      throw new UnlockFailure(
        'pcsc.unavailable',
        `cannot reach the PC/SC service (${this.failure.message}); is pcscd running?`,
      );
    }
    return [...this.readers.values()].map(({ reader, state }) => ({
      name: reader.name,
      cardPresent:
        state !== undefined &&
        (state & reader.SCARD_STATE_PRESENT) !== 0 &&
        (state & reader.SCARD_STATE_MUTE) === 0,
    }));
  }

  connect(readerName: string): Promise<ConnectedCard> {
    const entry = this.readers.get(readerName);
    if (!entry) return Promise.reject(new UnlockFailure('reader.not_found', `reader ${readerName} is gone`));
    const { reader } = entry;
    return new Promise((resolve, reject) => {
      const options = {
        share_mode: reader.SCARD_SHARE_SHARED,
        protocol: reader.SCARD_PROTOCOL_T1 | reader.SCARD_PROTOCOL_T0,
      };
      reader.connect(options, (error, protocol) => {
        if (error) {
          reject(
            isCardGone(error)
              ? new UnlockFailure(
                  'card.absent',
                  `no usable card in ${readerName}; insert the card and try again`,
                )
              : new UnlockFailure(
                  'card.error',
                  `cannot connect to the card in ${readerName}: ${error.message}`,
                ),
          );
          return;
        }
        resolve({
          transport: new PcscTransport(reader, protocol),
          disconnect: () =>
            new Promise<void>((done) => {
              reader.disconnect(reader.SCARD_LEAVE_CARD, () => {
                done();
              });
            }),
        });
      });
    });
  }

  close(): Promise<void> {
    for (const { reader } of this.readers.values()) reader.close();
    this.pcsc.close();
    return Promise.resolve();
  }
}
