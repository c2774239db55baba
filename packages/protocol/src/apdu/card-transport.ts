/**
 * One channel to one smart card. The PC/SC adapter and the in-memory software card both implement it,
 * so card-side code runs the same against hardware, `pcscd` and a simulator.
 */
export interface CardTransport {
  /** Sends a command APDU and resolves with the response APDU (data followed by SW1 SW2). */
  transmit(apdu: Uint8Array): Promise<Uint8Array>;
}
