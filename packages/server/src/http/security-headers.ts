import type { App } from './types.js';

/** Headers that keep browsers from caching secrets, sniffing types or framing the portals. */
export function installSecurityHeaders(app: App): void {
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'no-referrer');
    reply.header('x-frame-options', 'DENY');
    if (request.url.startsWith('/api/')) {
      // Responses carry admin-key responses and personal data: never store them.
      reply.header('cache-control', 'no-store');
    } else {
      reply.header(
        'content-security-policy',
        "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
      );
    }
  });
}
