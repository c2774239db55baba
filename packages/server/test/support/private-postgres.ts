/**
 * A PostgreSQL cluster of the test's own (initdb + pg_ctl, run as the `postgres` user since initdb
 * refuses root), on a free port in a temporary directory, that the test may stop, freeze and start.
 */
import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { freePort } from '@cardwarden/integration-tests/free-port';
import type { TestDatabase } from '@cardwarden/integration-tests/test-database';

const BIN = process.env.CARDWARDEN_PG_BIN ?? '/usr/lib/postgresql/15/bin';

function asPostgres(command: string, args: string[]): string {
  const asRoot = process.getuid?.() === 0;
  return execFileSync(
    asRoot ? 'runuser' : join(BIN, command),
    asRoot ? ['-u', 'postgres', '--', join(BIN, command), ...args] : args,
    {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
}

function postgresUid(): { uid: number; gid: number } {
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((entry) => entry.startsWith('postgres:'));
  const [, , uid, gid] = line?.split(':') ?? [];
  if (uid === undefined || gid === undefined) throw new Error('no postgres user on this machine');
  return { uid: Number(uid), gid: Number(gid) };
}

/** Whether this machine can run a private cluster (the binaries are there). */
export function canRunPrivatePostgres(): boolean {
  return existsSync(join(BIN, 'initdb')) && existsSync(join(BIN, 'pg_ctl'));
}

export class PrivatePostgres {
  private constructor(
    readonly dir: string,
    readonly port: number,
  ) {}

  static async create(): Promise<PrivatePostgres> {
    const dir = mkdtempSync(join(tmpdir(), 'cardwarden-pg-'));
    if (process.getuid?.() === 0) {
      const { uid, gid } = postgresUid();
      chownSync(dir, uid, gid);
    }
    asPostgres('initdb', ['-D', join(dir, 'data'), '-A', 'trust', '-U', 'postgres', '--no-sync']);
    const cluster = new PrivatePostgres(dir, await freePort());
    cluster.start();
    const client = new pg.Client({ connectionString: cluster.url('postgres') });
    await client.connect();
    await client.query('CREATE DATABASE cardwarden');
    await client.end();
    return cluster;
  }

  url(database = 'cardwarden'): string {
    return `postgres://postgres@127.0.0.1:${String(this.port)}/${database}`;
  }

  /** A TestDatabase for startTestServer; dropping it destroys the cluster. */
  asTestDatabase(): TestDatabase {
    return {
      target: { kind: 'postgres', url: this.url() },
      url: this.url(),
      drop: () => {
        this.destroy();
        return Promise.resolve();
      },
    };
  }

  start(): void {
    asPostgres('pg_ctl', [
      '-D',
      join(this.dir, 'data'),
      '-l',
      join(this.dir, 'log'),
      '-o',
      `-p ${String(this.port)} -k ${this.dir} -c listen_addresses=127.0.0.1 -c fsync=off`,
      '-w',
      'start',
    ]);
  }

  /** Stops the cluster at once (as a crash or an outage would). */
  stop(): void {
    asPostgres('pg_ctl', ['-D', join(this.dir, 'data'), '-m', 'immediate', '-w', 'stop']);
  }

  /** SIGSTOP (frozen) or SIGCONT (thawed) to the postmaster and every process it started. */
  signal(signal: 'SIGSTOP' | 'SIGCONT'): void {
    const postmaster = Number(readFileSync(join(this.dir, 'data', 'postmaster.pid'), 'utf8').split('\n')[0]);
    const children = readdirSync('/proc')
      .filter((entry) => /^\d+$/.test(entry))
      .filter((pid) => {
        try {
          // The parent pid is the 4th field of /proc/<pid>/stat, after "(command)".
          const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
          return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === postmaster;
        } catch {
          return false;
        }
      })
      .map(Number);
    for (const pid of [postmaster, ...children]) process.kill(pid, signal);
  }

  destroy(): void {
    try {
      this.signal('SIGCONT');
      this.stop();
    } catch {
      // Already stopped.
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}
