import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, expect, it } from 'vitest';
import { installErrorHandling } from './error-handler.js';
import { admitAnonymous, createAnonymousLane, DEFAULT_ANONYMOUS_ADMISSION } from './anonymous-admission.js';

let app: FastifyInstance | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

it('admits `concurrency` anonymous requests, queues `queueLimit`, refuses the next with 429 and Retry-After, and serves other routes meanwhile', async () => {
  expect(DEFAULT_ANONYMOUS_ADMISSION).toMatchObject({ concurrency: 4, queueLimit: 512 });
  const lane = createAnonymousLane({ concurrency: 1, queueLimit: 1 });
  let open!: () => void;
  const gate = new Promise<void>((resolve) => (open = resolve));
  const server: FastifyInstance = Fastify();
  app = server;
  installErrorHandling(server);
  server.post(
    '/anonymous',
    { preHandler: admitAnonymous(lane, 'online_unlock.rate_limited', 'call the help desk') },
    async () => {
      await gate;
      return { ok: true };
    },
  );
  server.get('/help-desk', () => ({ ok: true }));
  await server.listen({ port: 0, host: '127.0.0.1' });
  const address = server.server.address();
  const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  const call = () => fetch(`${base}/anonymous`, { method: 'POST' });

  const first = call();
  while (lane.load.running < 1) await new Promise((resolve) => setTimeout(resolve, 5));
  const second = call();
  while (lane.load.waiting < 1) await new Promise((resolve) => setTimeout(resolve, 5));
  const refused = await call();
  expect(refused.status).toBe(429);
  expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
  expect(await refused.json()).toMatchObject({
    error: {
      code: 'online_unlock.rate_limited',
      message: expect.stringMatching(/busy.*wait \d+ seconds? and try again, or call the help desk/),
    },
    retryAfter: expect.any(Number),
  });
  // Signed-in routes never wait in the lane.
  expect((await fetch(`${base}/help-desk`)).status).toBe(200);
  open();
  expect((await first).status).toBe(200);
  expect((await second).status).toBe(200);
  expect(lane.load).toEqual({ running: 0, waiting: 0 });
  expect((await call()).status).toBe(200);
  expect(lane.load).toEqual({ running: 0, waiting: 0 });
});

it('gives the slot back when the client goes away before the answer', async () => {
  const lane = createAnonymousLane({ concurrency: 1, queueLimit: 0 });
  let open!: () => void;
  const gate = new Promise<void>((resolve) => (open = resolve));
  const server: FastifyInstance = Fastify();
  app = server;
  installErrorHandling(server);
  server.post('/anonymous', { preHandler: admitAnonymous(lane, 'auth.rate_limited') }, async () => {
    await gate;
    return { ok: true };
  });
  await server.listen({ port: 0, host: '127.0.0.1' });
  const address = server.server.address();
  const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  const abort = new AbortController();
  const gone = fetch(`${base}/anonymous`, { method: 'POST', signal: abort.signal }).catch(() => 'aborted');
  while (lane.load.running < 1) await new Promise((resolve) => setTimeout(resolve, 5));
  abort.abort();
  expect(await gone).toBe('aborted');
  while (lane.load.running > 0) await new Promise((resolve) => setTimeout(resolve, 5));
  open();
  expect((await fetch(`${base}/anonymous`, { method: 'POST' })).status).toBe(200);
});

it('refuses on arrival while the event loop is late and anonymous requests take every slot', async () => {
  const lane = createAnonymousLane({ concurrency: 1, queueLimit: 10, eventLoopDelayLimitMs: 20 });
  const busyFor = (ms: number) => {
    const until = performance.now() + ms;
    while (performance.now() < until) {
      // the event loop is blocked, as by work that cannot keep up
    }
  };
  const lateLoop = async () => {
    for (let i = 0; i < 6; i++) {
      busyFor(60);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  };
  expect(lane.overloaded).toBe(false);
  // Late, but the lane has room: nothing to refuse for.
  await lateLoop();
  expect(lane.overloaded).toBe(false);
  const running = await lane.acquire();
  const waiting = lane.acquire();
  await lateLoop();
  expect(lane.overloaded).toBe(true);
  running();
  (await waiting)();
  expect(lane.overloaded).toBe(false);
  // Switched off (0), a late loop refuses nothing.
  const off = createAnonymousLane({ concurrency: 1, queueLimit: 10, eventLoopDelayLimitMs: 0 });
  const held = await off.acquire();
  const queued = off.acquire();
  await lateLoop();
  expect(off.overloaded).toBe(false);
  held();
  (await queued)();
});

it('makes a lane of another width that keeps the limits of the first and shares none of its slots', async () => {
  const lane = createAnonymousLane({
    concurrency: 1,
    queueLimit: 3,
    targetDelayMs: 7,
    eventLoopDelayLimitMs: 20,
  });
  const wide = lane.withConcurrency(3);
  expect(wide.options).toMatchObject({
    concurrency: 3,
    queueLimit: 3,
    targetDelayMs: 7,
    intervalMs: 100,
    eventLoopDelayLimitMs: 20,
  });
  const held = await lane.acquire();
  // The first lane is full; the other still admits three at once.
  const three = await Promise.all([wide.acquire(), wide.acquire(), wide.acquire()]);
  expect(wide.load).toEqual({ running: 3, waiting: 0 });
  expect(lane.load).toEqual({ running: 1, waiting: 0 });
  for (const release of [held, ...three]) release();
});
