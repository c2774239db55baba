import { once } from 'node:events';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { afterEach, expect, it } from 'vitest';
import type { SoftwareCard } from '../software-card.js';
import { VpcdCardConnection } from './vpcd-card-connection.js';
import { encodeVpcdFrame, VPCD_CONTROL } from './vpcd-framing.js';

const card: SoftwareCard = {
  atr: Uint8Array.of(0x3b, 0x80, 0x80, 0x01, 0x01),
  process: () => Uint8Array.of(0x90, 0x00),
  reset: () => undefined,
};

let server: Server | undefined;
let connection: VpcdCardConnection | undefined;

afterEach(async () => {
  await connection?.stop();
  server?.close();
});

/**
 * A stand-in for vpcd: on each connection its pcscd asks for the ATR as its presence poll does, and then
 * powers the card (POWER_ON, GET_ATR) as on an insertion only when `powers(n)` says so for the n-th
 * connection (not when it took the card for the one before).
 */
async function standInVpcd(
  powers: (n: number) => boolean,
): Promise<{ port: number; connections: () => number }> {
  let connections = 0;
  server = createServer((socket: Socket) => {
    connections++;
    socket.on('error', () => undefined);
    socket.write(encodeVpcdFrame(Uint8Array.of(VPCD_CONTROL.GET_ATR)));
    if (powers(connections)) {
      socket.write(encodeVpcdFrame(Uint8Array.of(VPCD_CONTROL.POWER_ON)));
      socket.write(encodeVpcdFrame(Uint8Array.of(VPCD_CONTROL.GET_ATR)));
    }
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { port: (server.address() as AddressInfo).port, connections: () => connections };
}

it('takes a card pcscd did not power out of the reader and puts it in again, until pcscd powers it', async () => {
  const vpcd = await standInVpcd((n) => n > 1);
  connection = new VpcdCardConnection(card, { port: vpcd.port, powerWaitMs: 100 });
  const reinserted: number[] = [];
  connection.on('reinserting', (waitedMs) => reinserted.push(waitedMs));
  const started = performance.now();
  connection.start();
  await once(connection, 'powered');
  expect(reinserted).toEqual([100]);
  expect(vpcd.connections()).toBe(2);
  // Out of the reader for longer than pcscd's poll, so that it sees the reader empty.
  expect(performance.now() - started).toBeGreaterThanOrEqual(1_000);
});

it('leaves a card that pcscd powered in the reader', async () => {
  const vpcd = await standInVpcd(() => true);
  connection = new VpcdCardConnection(card, { port: vpcd.port, powerWaitMs: 100 });
  const reinserted: number[] = [];
  connection.on('reinserting', (waitedMs) => reinserted.push(waitedMs));
  connection.start();
  await once(connection, 'powered');
  await new Promise((resolve) => setTimeout(resolve, 300));
  expect(reinserted).toEqual([]);
  expect(vpcd.connections()).toBe(1);
});
