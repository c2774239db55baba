/**
 * The server's Prometheus metrics (prom-client), one registry per server so that several servers in one
 * process (tests) do not mix their figures. Counters are moved by the HTTP hooks and the services; the
 * gauges (database pool, notification outbox) are read when Prometheus scrapes.
 */
import { Counter, Gauge, Histogram, Registry } from 'prom-client';

/** How many connections the database pool has, uses and waits for; undefined for one that has no pool. */
export interface PoolStats {
  readonly total: number;
  readonly idle: number;
  readonly waiting: number;
}

/** Which way a cardholder got an unblock response. */
export type ResponseChannel = 'offline' | 'self-service' | 'online';
/** Which lockout began: the help desk's security questions, or online unlock's. */
export type LockoutKind = 'help_desk' | 'online';

/** What services report, so that they need not know prom-client. */
export interface ServiceMetrics {
  lockout(kind: LockoutKind): void;
}

export interface MetricsSources {
  /** 'pglite' has one connection and no pool; 'postgres' reports its pool. */
  readonly databaseKind: 'pglite' | 'postgres';
  readonly poolStats: () => PoolStats | undefined;
  /** Messages waiting to be sent (read at scrape time). */
  readonly outboxDepth: () => Promise<number>;
}

export class Metrics implements ServiceMetrics {
  readonly registry = new Registry();
  readonly requestDuration = new Histogram({
    name: 'cardwarden_http_request_duration_seconds',
    help: 'HTTP request latency by route pattern, method and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });
  readonly rateLimited = new Counter({
    name: 'cardwarden_rate_limit_refusals_total',
    help: 'Requests refused with 429, by error code',
    labelNames: ['code'] as const,
    registers: [this.registry],
  });
  readonly responsesIssued = new Counter({
    name: 'cardwarden_responses_issued_total',
    help: 'Unblock responses issued, by channel',
    labelNames: ['channel'] as const,
    registers: [this.registry],
  });
  private readonly lockouts = new Counter({
    name: 'cardwarden_lockouts_total',
    help: 'Cardholder lockouts begun (too many wrong security answers), by kind',
    labelNames: ['kind'] as const,
    registers: [this.registry],
  });

  constructor(sources: MetricsSources) {
    const registry = this.registry;
    new Gauge({
      name: 'cardwarden_db_pool_connections',
      help: 'Database connections by state (total, idle); the embedded database has exactly one',
      labelNames: ['database', 'state'] as const,
      registers: [registry],
      collect() {
        const stats = sources.poolStats();
        if (stats) {
          this.set({ database: sources.databaseKind, state: 'total' }, stats.total);
          this.set({ database: sources.databaseKind, state: 'idle' }, stats.idle);
        } else this.set({ database: sources.databaseKind, state: 'total' }, 1);
      },
    });
    new Gauge({
      name: 'cardwarden_db_pool_waiting',
      help: 'Queries waiting for a database connection (PostgreSQL pool only)',
      labelNames: ['database'] as const,
      registers: [registry],
      collect() {
        const stats = sources.poolStats();
        if (stats) this.set({ database: sources.databaseKind }, stats.waiting);
      },
    });
    new Gauge({
      name: 'cardwarden_notification_outbox_depth',
      help: 'Email notifications waiting to be sent',
      registers: [registry],
      async collect() {
        this.set(await sources.outboxDepth());
      },
    });
  }

  lockout(kind: LockoutKind): void {
    this.lockouts.inc({ kind });
  }
}
