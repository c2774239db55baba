import { routeKey, type HttpMethod } from '@cardwarden/contract';
import type { FastifyRequest } from 'fastify';

/**
 * The contract's `routeKey` of the route a request matched (`METHOD path`, HEAD as the GET it mirrors),
 * so that sets built from the table (`routeKey(route)`) can be asked about a request; '' for a URL that
 * matched no route.
 */
export function requestRouteKey(request: FastifyRequest): string {
  const url = request.routeOptions.url;
  if (url === undefined) return '';
  const method = (request.method === 'HEAD' ? 'GET' : request.method) as HttpMethod;
  return routeKey({ method, path: url });
}
