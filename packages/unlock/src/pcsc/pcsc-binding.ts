/**
 * Loads the PC/SC binding (the npm package `pcsclite`, built against libpcsclite-dev). It is an optional
 * dependency, so installs succeed without libpcsclite-dev; then this says what to install.
 */
import { createRequire } from 'node:module';
import { UnlockFailure } from '../unlock-failure.js';

/** The parts of the `pcsclite` binding this tool uses. */
export interface PcscLite {
  on(event: 'reader', listener: (reader: PcscReader) => void): void;
  on(event: 'error', listener: (error: Error) => void): void;
  close(): void;
}

export interface PcscReader {
  readonly name: string;
  readonly SCARD_SHARE_SHARED: number;
  readonly SCARD_PROTOCOL_T0: number;
  readonly SCARD_PROTOCOL_T1: number;
  readonly SCARD_STATE_PRESENT: number;
  readonly SCARD_STATE_MUTE: number;
  readonly SCARD_LEAVE_CARD: number;
  on(event: 'status', listener: (status: { state: number; atr?: Buffer }) => void): void;
  on(event: 'error', listener: (error: Error) => void): void;
  on(event: 'end', listener: () => void): void;
  connect(
    options: { share_mode: number; protocol: number },
    callback: (error: Error | null | undefined, protocol: number) => void,
  ): void;
  disconnect(disposition: number, callback: (error: Error | null | undefined) => void): void;
  transmit(
    data: Buffer,
    responseLength: number,
    protocol: number,
    callback: (error: Error | null | undefined, response: Buffer) => void,
  ): void;
  close(): void;
}

export const PCSC_MISSING_MESSAGE =
  'the PC/SC binding is not installed. On Debian or Ubuntu: apt-get install pcscd libpcsclite-dev, then run npm ci (or npm rebuild pcsclite) in the Cardwarden folder';

/** Opens a PC/SC context, or fails saying what to install. */
export function openPcscLite(): PcscLite {
  const require = createRequire(import.meta.url);
  let factory: () => PcscLite;
  try {
    factory = require('pcsclite') as () => PcscLite;
  } catch {
    throw new UnlockFailure('pcsc.unavailable', PCSC_MISSING_MESSAGE);
  }
  try {
    return factory();
  } catch (error) {
    throw new UnlockFailure(
      'pcsc.unavailable',
      `cannot reach the PC/SC service (${(error as Error).message}); start pcscd`,
    );
  }
}
