/**
 * Puts a software card into a vpcd virtual reader: the card is a TCP client of vpcd (reference §5.3), and
 * closing the socket removes the card. Reconnects while vpcd (pcscd) is not there or restarts.
 */
import { EventEmitter } from 'node:events';
import { Socket } from 'node:net';
import type { SoftwareCard } from '../software-card.js';
import { encodeVpcdFrame, VPCD_CONTROL, VpcdFrameDecoder } from './vpcd-framing.js';

/** vpcd's default address: slot 0 of the reader `Virtual PCD`, port 0x8C7B. */
export const VPCD_DEFAULT = { host: '127.0.0.1', port: 35963 } as const;

export interface VpcdCardConnectionEvents {
  /** TCP connection to vpcd made: the card is in the reader. */
  connected: [];
  /** pcscd powered the card and read its ATR: it is ready for applications. */
  powered: [];
  /** Connection lost or refused; `retryInMs` until the next attempt. */
  disconnected: [reason: string, retryInMs: number];
  /** pcscd did not power the card within `waitedMs`: it is taken out and put in again. */
  reinserting: [waitedMs: number];
  /** One APDU exchanged (counts only: APDUs may carry PINs and keys, so they are never passed on). */
  apdu: [];
}

export interface VpcdCardConnectionOptions {
  host?: string;
  port?: number;
  /** Delay before reconnecting; doubled up to `maxRetryMs`. */
  retryMs?: number;
  maxRetryMs?: number;
  /**
   * How long pcscd may take to power a card after it is put in before the card is taken out and put in
   * again (see `connect`); doubled at each try.
   */
  powerWaitMs?: number;
}

/**
 * Out of the reader this long before going in again, so that pcscd, polling every 400 ms or so, sees the
 * reader empty in between.
 */
const OUT_OF_READER_MS = 1_000;

export class VpcdCardConnection extends EventEmitter<VpcdCardConnectionEvents> {
  private socket: Socket | undefined;
  private stopped = false;
  private retryTimer: NodeJS.Timeout | undefined;
  private readonly host: string;
  private readonly port: number;
  private readonly retryMs: number;
  private readonly maxRetryMs: number;
  private nextRetryMs: number;
  private poweredOn = false;
  private powerTimer: NodeJS.Timeout | undefined;
  private readonly firstPowerWaitMs: number;
  private powerWaitMs: number;
  private takenOut = false;

  constructor(
    private readonly card: SoftwareCard,
    options: VpcdCardConnectionOptions = {},
  ) {
    super();
    this.host = options.host ?? VPCD_DEFAULT.host;
    this.port = options.port ?? VPCD_DEFAULT.port;
    this.retryMs = options.retryMs ?? 250;
    this.maxRetryMs = options.maxRetryMs ?? 2000;
    this.nextRetryMs = this.retryMs;
    this.firstPowerWaitMs = options.powerWaitMs ?? 3_000;
    this.powerWaitMs = this.firstPowerWaitMs;
  }

  /** Connects, and keeps reconnecting until `stop`. */
  start(): void {
    this.stopped = false;
    this.connect();
  }

  /** Removes the card from the reader and stops reconnecting. */
  stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    clearTimeout(this.powerTimer);
    const socket = this.socket;
    if (!socket || socket.destroyed) return Promise.resolve();
    return new Promise((resolve) => {
      socket.once('close', () => {
        resolve();
      });
      socket.end();
      socket.destroySoon();
    });
  }

  private connect(): void {
    const socket = new Socket();
    this.socket = socket;
    const decoder = new VpcdFrameDecoder();
    socket.setNoDelay(true);
    socket.on('connect', () => {
      this.nextRetryMs = this.retryMs;
      this.poweredOn = false;
      this.card.reset();
      this.emit('connected');
      // A card put in right after another left the reader (a test swapping cards) can reach vpcd before
      // pcscd's next poll saw the reader empty: pcscd then takes it for the card it already powered and
      // never powers it, keeps the other card's ATR, and the card never gets ready. Taking it out for
      // longer than a poll and putting it in again makes pcscd see a new card.
      const waitMs = this.powerWaitMs;
      this.powerTimer = setTimeout(() => {
        if (this.stopped) return;
        this.takenOut = true;
        // A pcscd that is merely slow gets longer each time.
        this.powerWaitMs *= 2;
        this.emit('reinserting', waitMs);
        socket.destroy();
      }, waitMs);
    });
    socket.on('data', (chunk: Buffer) => {
      for (const frame of decoder.push(chunk)) this.handle(socket, frame);
    });
    socket.on('error', () => {
      // 'close' follows and carries the retry; the error itself needs no handling here.
    });
    socket.on('close', (hadError) => {
      clearTimeout(this.powerTimer);
      this.card.reset();
      if (this.stopped) return;
      if (this.takenOut) {
        this.takenOut = false;
        this.retryTimer = setTimeout(() => {
          this.connect();
        }, OUT_OF_READER_MS);
        return;
      }
      const wait = this.nextRetryMs;
      this.nextRetryMs = Math.min(this.maxRetryMs, this.nextRetryMs * 2);
      this.emit(
        'disconnected',
        hadError ? 'connection refused or failed' : 'vpcd closed the connection',
        wait,
      );
      this.retryTimer = setTimeout(() => {
        this.connect();
      }, wait);
    });
    socket.connect(this.port, this.host);
  }

  private handle(socket: Socket, frame: Uint8Array): void {
    if (frame.length === 1) {
      const code = frame[0];
      if (code === VPCD_CONTROL.GET_ATR) {
        socket.write(encodeVpcdFrame(this.card.atr));
        if (this.poweredOn) {
          this.poweredOn = false;
          this.emit('powered');
        }
      } else if (
        code === VPCD_CONTROL.POWER_OFF ||
        code === VPCD_CONTROL.RESET ||
        code === VPCD_CONTROL.POWER_ON
      ) {
        this.card.reset();
        if (code === VPCD_CONTROL.POWER_ON) {
          this.poweredOn = true;
          // Powered: it stays in the reader.
          clearTimeout(this.powerTimer);
          this.powerWaitMs = this.firstPowerWaitMs;
        }
      }
      return;
    }
    socket.write(encodeVpcdFrame(this.card.process(frame)));
    this.emit('apdu');
  }
}
