import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { StartupError } from '../fixable-errors.js';
import { reservePort } from './port-reservation.js';

describe('reservePort', () => {
  it('holds the port, answers 503 to a client meanwhile, and lets go of it', async () => {
    const reservation = await reservePort(0, '127.0.0.1');
    expect(reservation.port).toBeGreaterThan(0);
    const early = await fetch(`http://127.0.0.1:${reservation.port}/healthz`);
    expect(early.status).toBe(503);
    expect(await early.json()).toMatchObject({ error: { code: 'internal.unavailable' } });
    await reservation.release();
    // The port is free again for the real server.
    const next = await reservePort(reservation.port, '127.0.0.1');
    await next.release();
  });

  it('refuses a busy port in one line naming the port and the PORT variable', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const address = blocker.address();
    const port = address !== null && typeof address === 'object' ? address.port : 0;
    try {
      const refused = reservePort(port, '127.0.0.1');
      await expect(refused).rejects.toBeInstanceOf(StartupError);
      await expect(refused).rejects.toThrow(new RegExp(`^port ${port} is in use.*PORT variable`));
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });
});
