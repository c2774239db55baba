// The ceiling of the response-path benchmark: what a Fastify route doing one write transaction costs on
// the same database on this machine. Per request, in one transaction: UPDATE one of many counters and
// INSERT an audit row (so no two requests wait for the same row lock, like unblocks of different cards).
// PostgreSQL when CEILING_DATABASE_URL is set (a pool as large as the server's), else PGlite under
// CEILING_DATA_DIR. Prints `listening <port>` when ready. Run by response-path-bench.mjs.
import { join } from 'node:path';
import Fastify from 'fastify';

const COUNTERS = 1000;
const url = process.env.CEILING_DATABASE_URL;

const schema = [
  'create table if not exists ceiling_counters (id integer primary key, n bigint not null default 0, updated_at timestamptz not null default now())',
  'create table if not exists ceiling_audit (id bigserial primary key, at timestamptz not null default clock_timestamp(), counter integer not null, actor text not null, details jsonb not null)',
  `insert into ceiling_counters (id) select g from generate_series(1, ${COUNTERS}) as g on conflict do nothing`,
];
const UPDATE = 'update ceiling_counters set n = n + 1, updated_at = now() where id = $1 returning n';
const INSERT = 'insert into ceiling_audit (counter, actor, details) values ($1, $2, $3)';

/** One transaction: the counter and the audit row. */
let write;
let close;
if (url) {
  const { default: pg } = await import('pg');
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  for (const statement of schema) await pool.query(statement);
  write = async (counter) => {
    const client = await pool.connect();
    try {
      await client.query('begin');
      const { rows } = await client.query({ name: 'ceiling_update', text: UPDATE, values: [counter] });
      await client.query({
        name: 'ceiling_insert',
        text: INSERT,
        values: [counter, 'bench', JSON.stringify({ n: rows[0].n })],
      });
      await client.query('commit');
      return rows[0].n;
    } catch (error) {
      await client.query('rollback').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  };
  close = () => pool.end();
} else {
  const { PGlite } = await import('@electric-sql/pglite');
  const db = new PGlite(join(process.env.CEILING_DATA_DIR, 'pglite'));
  await db.waitReady;
  for (const statement of schema) await db.query(statement);
  write = (counter) =>
    db.transaction(async (tx) => {
      const { rows } = await tx.query(UPDATE, [counter]);
      await tx.query(INSERT, [counter, 'bench', JSON.stringify({ n: rows[0].n })]);
      return rows[0].n;
    });
  close = () => db.close();
}

const app = Fastify({ logger: false });
app.post('/write', async () => {
  const counter = 1 + Math.floor(Math.random() * COUNTERS);
  return { counter, n: Number(await write(counter)) };
});
await app.listen({ port: 0, host: '127.0.0.1' });
console.log(`listening ${app.server.address().port}`);
process.on('SIGTERM', async () => {
  await app.close();
  await close();
  process.exit(0);
});
