/** Serves the built web portals (packages/web/dist) at `/`, with the single-page app's fallback. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { App } from './types.js';

export async function installWebPortals(app: App, webRoot: string | undefined): Promise<boolean> {
  if (!webRoot || !existsSync(join(webRoot, 'index.html'))) return false;
  await app.register(fastifyStatic, { root: webRoot, wildcard: false, index: ['index.html'] });
  return true;
}

/** Whether an unmatched GET should get the app's index.html (a client-side route) rather than a 404. */
export function isPortalRoute(method: string, url: string): boolean {
  return (
    method === 'GET' &&
    !url.startsWith('/api/') &&
    !/^\/(healthz|readyz|metrics)(\?|$)/.test(url) &&
    !/\.[a-z0-9]+(\?|$)/i.test(url)
  );
}
