import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { openDatabase } from '../src/db/connect.js';
import { withStatementTimeout } from '../src/db/query-budget.js';
import {
  serverCliFromSource,
  startServerProcess,
  type ServerProcess,
} from '@cardwarden/integration-tests/server-process';
import { createTestDatabase, type TestDatabase } from '@cardwarden/integration-tests/test-database';
import { ADMIN, forEachDatabase } from '@cardwarden/integration-tests/test-server';
import { api, pathTo } from '@cardwarden/contract';

const EVENTS = 150_000;

/** Resident memory of a process, in bytes. */
function rss(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${String(pid)}/status`, 'utf8'));
  return Number(match?.[1] ?? 0) * 1024;
}

/** Reads a body to its end, counting lines, keeping nothing. */
async function countLines(response: Response): Promise<number> {
  let lines = 0;
  const reader = response.body?.getReader();
  if (!reader) return 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return lines;
    for (const byte of value) if (byte === 0x0a) lines++;
  }
}

forEachDatabase('streamed audit export', (kind) => {
  let dataDir: string;
  let database: TestDatabase;
  let server: ServerProcess;
  let token: string;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'cardwarden-export-'));
    database = await createTestDatabase(kind);
    // 150,000 events written straight into the database (the chain trigger off: it is not under test here).
    const handle = await openDatabase(
      database.url ? { kind: 'postgres', url: database.url } : { kind: 'pglite', dir: dataDir },
    );
    await withStatementTimeout(0, () =>
      handle.db.transaction(async (tx) => {
        await tx.execute(sql`set local statement_timeout = 0`);
        await tx.execute(sql`alter table audit_events disable trigger audit_events_chain`);
        await tx.execute(sql`
        insert into audit_events (actor, actor_type, action, card_id, details)
        select 'bulk', 'system', 'bulk.event', gen_random_uuid(),
               jsonb_build_object('n', g, 'note', repeat('x', 100))
        from generate_series(1, ${EVENTS}) g`);
        await tx.execute(sql`alter table audit_events enable trigger audit_events_chain`);
      }),
    );
    await handle.close();
    server = await startServerProcess({
      command: serverCliFromSource('serve'),
      dataDir,
      admin: ADMIN,
      umask: '022',
      env: {
        LOG_LEVEL: 'info',
        // PostgreSQL: a JavaScript heap of 64 MB, too small to hold even one of the four exports (each is
        // over 40 MB of CSV): an export that kept its rows or its text would run the server out of memory.
        // It also makes V8 collect as it goes, so resident memory measures what is live, not garbage V8
        // would collect later (without the cap it grew by 130–160 MB of such garbage).
        ...(database.url
          ? { DATABASE_URL: database.url, NODE_OPTIONS: '--max-old-space-size=64 --max-semi-space-size=4' }
          : {}),
      },
    });
    const login = await server.api.post<{ token: string }>(pathTo(api.auth.login), {
      username: ADMIN.username,
      password: ADMIN.password,
    });
    token = login.body.token;
  }, 180_000);
  afterAll(async () => {
    await server.stop();
    await database.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const download = (query = ''): Promise<Response> =>
    fetch(`${server.url}${pathTo(api.audit.exportCsv)}${query}`, {
      headers: { authorization: `Bearer ${token}` },
    });

  it('streams four exports of 150,000 events at once in flat memory; a fifth waits its turn (429)', async () => {
    const pid = server.child.pid ?? 0;
    // Warm up (code loaded, pools filled), then measure from there.
    const warm = await download('?actor=admin');
    expect(await countLines(warm)).toBeGreaterThan(1);
    await new Promise((resolve) => setTimeout(resolve, 500));
    const baseline = rss(pid);
    let peak = baseline;
    const sampler = setInterval(() => {
      peak = Math.max(peak, rss(pid));
    }, 20);
    try {
      const four = await Promise.all([download(), download(), download(), download()]);
      for (const response of four) {
        expect(response.status).toBe(200);
        expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
      }
      const fifth = await download();
      expect(fifth.status).toBe(429);
      expect(fifth.headers.get('retry-after')).toBe('30');
      expect(((await fifth.json()) as { error: { code: string } }).error.code).toBe('audit.export_busy');

      const counts = await Promise.all(four.map(countLines));
      for (const count of counts) expect(count).toBeGreaterThan(EVENTS);
      expect(new Set(counts).size).toBe(1);
    } finally {
      clearInterval(sampler);
    }
    const grownMb = (peak - baseline) / 1024 / 1024;
    expect(grownMb, `resident memory grew by ${grownMb.toFixed(1)} MB`).toBeLessThan(50);
    // Slots are given back: the next export runs.
    expect((await download('?action=none')).status).toBe(200);
  }, 300_000);
});
