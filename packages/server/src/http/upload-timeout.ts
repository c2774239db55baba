/**
 * How long a client may take to send its whole request. Node's own limit (requestTimeout) is one value
 * for the whole server; the import takes a file of 50 MB and more, which a slow link sends in a minute
 * or two, while every other route's body is small and must arrive within REQUEST_TIMEOUT_MS (a client that
 * trickles its request ties up a connection). So the server's limit is the largest any route allows,
 * and this hook holds every other request to the short one. A route allows more with
 * `config: { uploadTimeoutSeconds }`.
 */
import type { App } from './types.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Seconds this route's client may take to send the whole request (default: REQUEST_TIMEOUT_MS). */
    uploadTimeoutSeconds?: number;
  }
}

/** The time to send a request, for every route that does not allow more. */
export const REQUEST_TIMEOUT_MS = 30_000;
/** The longest any route allows (the server's own requestTimeout). */
export const LONGEST_UPLOAD_MS = 180_000;

export function installUploadTimeout(app: App): void {
  app.addHook('onRequest', (request, reply, done) => {
    const allowed = (request.routeOptions.config.uploadTimeoutSeconds ?? 0) * 1000;
    if (allowed >= LONGEST_UPLOAD_MS) {
      done();
      return;
    }
    const limit = Math.max(allowed, REQUEST_TIMEOUT_MS);
    const timer = setTimeout(() => {
      // Still sending after the limit: cut it off as Node would at requestTimeout.
      if (!request.raw.complete) request.raw.socket.destroy();
    }, limit);
    timer.unref();
    request.raw.once('end', () => {
      clearTimeout(timer);
    });
    // Per response, not per socket: a kept-alive socket serves many requests.
    reply.raw.once('close', () => {
      clearTimeout(timer);
    });
    done();
  });
}
