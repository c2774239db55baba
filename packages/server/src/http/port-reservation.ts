/**
 * Binding the HTTP port before anything else: a server that cannot listen must not create its
 * database, KEK file or first admin (whose generated password it could then never show).
 */
import { createServer, type Server, type Socket } from 'node:net';
import { StartupError } from '../fixable-errors.js';

export interface PortReservation {
  /** The port held (the one asked for, or the one the system chose for port 0). */
  readonly port: number;
  /** Lets go of the port, just before the HTTP server listens on it. */
  release(): Promise<void>;
}

function refusal(error: NodeJS.ErrnoException, port: number, host: string): Error {
  switch (error.code) {
    case 'EADDRINUSE':
      return new StartupError(
        `port ${port} is in use by another program: stop that program, or set the PORT variable to a free port (for example PORT=${port === 8080 ? 8081 : 8080}); nothing was created`,
      );
    case 'EACCES':
      return new StartupError(
        `this user may not listen on port ${port} (ports below 1024 need privileges): set the PORT variable to 1024 or above, for example PORT=8080; nothing was created`,
      );
    case 'EADDRNOTAVAIL':
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new StartupError(
        `cannot listen on ${host}: no network interface of this machine has that address; fix the HOST variable (0.0.0.0 listens on all); nothing was created`,
      );
    default:
      return error;
  }
}

/** What a client that connects while the server starts gets: "not ready", then the connection closes. */
const STARTING_BODY = JSON.stringify({
  error: { code: 'internal.unavailable', message: 'the server is starting; try again in a moment' },
});
const STARTING_RESPONSE =
  'HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json; charset=utf-8\r\nRetry-After: 2\r\n' +
  `Connection: close\r\nContent-Length: ${Buffer.byteLength(STARTING_BODY)}\r\n\r\n${STARTING_BODY}`;

/**
 * Binds `port` on `host` and holds it; fails with one readable line when it cannot. A client that
 * connects meanwhile (a health check) gets 503 at once, so no connection outlives the reservation.
 */
export function reservePort(port: number, host: string): Promise<PortReservation> {
  return new Promise((resolve, reject) => {
    const sockets = new Set<Socket>();
    const probe: Server = createServer((socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => undefined);
      socket.end(STARTING_RESPONSE);
    });
    probe.once('error', (error: NodeJS.ErrnoException) => {
      reject(refusal(error, port, host));
    });
    probe.listen({ port, host, exclusive: true }, () => {
      const address = probe.address();
      const held = address !== null && typeof address === 'object' ? address.port : port;
      resolve({
        port: held,
        release: () =>
          new Promise((done) => {
            probe.close(() => {
              done();
            });
            for (const socket of sockets) socket.destroy();
          }),
      });
    });
  });
}
