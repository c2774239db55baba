// Generated from the route table by `npm run generate:routes`: do not edit.
// The routes without their zod schemas, for the web portals; `Endpoint` carries their types.
import type { Endpoint } from './route.js';
export { pathTo, relativePathTo, withQuery } from './route.js';
export type * from './route.js';
import type { offlineUnblocks } from './offline-unblocks.js';

export const endpoints = {
  offlineUnblocks: {
    start: { method: 'POST', path: '/api/v1/cards/:id/offline-unblocks' } as Endpoint<
      (typeof offlineUnblocks)['start']
    >,
    list: { method: 'GET', path: '/api/v1/offline-unblocks' } as Endpoint<(typeof offlineUnblocks)['list']>,
    get: { method: 'GET', path: '/api/v1/offline-unblocks/:id' } as Endpoint<(typeof offlineUnblocks)['get']>,
    approve: { method: 'POST', path: '/api/v1/offline-unblocks/:id/approve' } as Endpoint<
      (typeof offlineUnblocks)['approve']
    >,
    response: { method: 'POST', path: '/api/v1/offline-unblocks/:id/response' } as Endpoint<
      (typeof offlineUnblocks)['response']
    >,
    identity: { method: 'POST', path: '/api/v1/offline-unblocks/:id/identity' } as Endpoint<
      (typeof offlineUnblocks)['identity']
    >,
    outcome: { method: 'POST', path: '/api/v1/offline-unblocks/:id/outcome' } as Endpoint<
      (typeof offlineUnblocks)['outcome']
    >,
    cancel: { method: 'POST', path: '/api/v1/offline-unblocks/:id/cancel' } as Endpoint<
      (typeof offlineUnblocks)['cancel']
    >,
  },
};
