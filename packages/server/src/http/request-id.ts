/**
 * Request ids: every log line of a request carries it (Fastify's `reqId`), and every answer carries it
 * in `X-Request-Id`, so an operator can find the log lines of an error a user reports. A caller's (or a
 * proxy's) own X-Request-Id is kept when it is a short safe token; anything else is replaced, so that a
 * forged header cannot inject text into the logs.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { App } from './types.js';

const SAFE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,64}$/;

export function requestIdOf(request: IncomingMessage): string {
  const given = request.headers['x-request-id'];
  return typeof given === 'string' && SAFE_REQUEST_ID.test(given) ? given : randomUUID();
}

export function installRequestIdHeader(app: App): void {
  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
}
