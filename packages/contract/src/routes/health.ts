/** Probes for load balancers and orchestrators: alive, and ready (the database answers). */
import { HealthStatus } from '../schemas/health.js';
import { defineRoute } from './route.js';

const tags = ['health'];

export const health = {
  // Its only 503 (the one every route has) is the answer while the server starts, before it listens
  // (http/port-reservation.ts answers a health check "starting"); the database is never asked.
  alive: defineRoute({
    method: 'GET',
    path: '/healthz',
    summary: 'Alive: the server process answers (also while its database is down)',
    tags,
    auth: 'none',
    responses: { 200: HealthStatus },
    errors: [],
  }),
  ready: defineRoute({
    method: 'GET',
    path: '/readyz',
    summary: 'Ready: the server and its database answer (503 while the database is unreachable)',
    tags,
    auth: 'none',
    responses: { 200: HealthStatus },
    errors: [],
  }),
};
