/**
 * `GET /metrics` (Prometheus text format): on the main port only for an admin or an auditor token, and,
 * when CARDWARDEN_METRICS_PORT is set, without sign-in on that port of the loopback address only. The
 * HTTP hooks here time every request by its route pattern (never the raw URL, which holds ids) and count
 * 429 refusals and issued responses.
 */
import { api, routeKey } from '@cardwarden/contract';
import { createServer, type Server } from 'node:http';
import type { Metrics, ResponseChannel } from '../observability/metrics.js';
import type { ServiceContext } from '../services/context.js';
import { requireOperator } from './auth-guard.js';
import { requestRouteKey } from './route-key.js';
import type { App } from './types.js';

/** The routes that issue an unblock response, and through which channel. */
const RESPONSE_ROUTES = new Map<string, ResponseChannel>(
  (
    [
      [api.offlineUnblocks.response, 'offline'],
      [api.selfService.offlineUnblock, 'self-service'],
      [api.onlineUnlock.response, 'online'],
      [api.onlineUnlock.mutualAuth, 'online'],
    ] as const
  ).map(([route, channel]) => [routeKey(route), channel]),
);

/** The error code of a 429 answer body, or 'unknown'. */
function errorCodeOf(payload: unknown): string {
  if (typeof payload !== 'string') return 'unknown';
  const code = /"code":"([a-z_.]{1,80})"/.exec(payload)?.[1];
  return code ?? 'unknown';
}

export function installMetricsHooks(app: App, metrics: Metrics): void {
  app.addHook('onSend', async (_request, reply, payload) => {
    if (reply.statusCode === 429) metrics.rateLimited.inc({ code: errorCodeOf(payload) });
    return payload;
  });
  app.addHook('onResponse', async (request, reply) => {
    // Unmatched URLs share one label: a scanner must not create a series per path it tries.
    const route = request.routeOptions.url ?? 'unmatched';
    const status = reply.statusCode;
    metrics.requestDuration.observe(
      { method: request.method, route, status: String(status) },
      reply.elapsedTime / 1000,
    );
    if (status >= 200 && status < 300) {
      const channel = RESPONSE_ROUTES.get(requestRouteKey(request));
      if (channel) metrics.responsesIssued.inc({ channel });
    }
  });
}

export function registerMetricsRoute(app: App, ctx: ServiceContext, metrics: Metrics): void {
  app.get(
    '/metrics',
    { schema: { hide: true }, preHandler: requireOperator(ctx, 'admin', 'auditor') },
    async (_request, reply) => {
      const text = await metrics.registry.metrics();
      return reply.header('content-type', metrics.registry.contentType).send(text);
    },
  );
}

/** Serves `/metrics` without sign-in on 127.0.0.1:`port` (for a Prometheus on the same machine). */
export async function listenMetricsPort(
  metrics: Metrics,
  port: number,
): Promise<{ server: Server; url: string; close(): Promise<void> }> {
  const server = createServer((request, response) => {
    if (request.method !== 'GET' || request.url?.split('?')[0] !== '/metrics') {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('only GET /metrics is served here\n');
      return;
    }
    metrics.registry.metrics().then(
      (text) => {
        response.writeHead(200, { 'content-type': metrics.registry.contentType }).end(text);
      },
      () => {
        response.writeHead(500, { 'content-type': 'text/plain' }).end('metrics unavailable\n');
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  const bound = typeof address === 'object' && address ? address.port : port;
  return {
    server,
    url: `http://127.0.0.1:${String(bound)}/metrics`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          resolve();
        });
      }),
  };
}
