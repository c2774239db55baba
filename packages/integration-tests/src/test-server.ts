/** Starts a whole, real server (database, KEK file, HTTP on a free port) for a test. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe } from 'vitest';
import { describeWith } from './system-parts.js';
import {
  DEFAULT_ANONYMOUS_ADMISSION,
  openDatabase,
  startServer,
  type Config,
  type RunningServer,
} from '@cardwarden/server';
import { ADMIN } from './admin.js';
import { ApiClient } from './api-client.js';
import { auditVocabularyProblems, expectNoAuditProblems } from './audit-vocabulary.js';
import { createTestDatabase, type DatabaseKind, type TestDatabase } from './test-database.js';

export { ADMIN } from './admin.js';

export interface TestServer {
  readonly url: string;
  readonly api: ApiClient;
  readonly server: RunningServer;
  /** Every log line the server wrote. */
  readonly logs: string[];
  readonly dataDir: string;
  readonly kekFile: string;
  readonly database: TestDatabase;
  close(): Promise<void>;
}

export interface TestServerOptions {
  /** Reuse a database (for several instances on one PostgreSQL database). */
  database?: TestDatabase;
  /** Keep the embedded database on disk under dataDir instead of in memory. */
  onDisk?: boolean;
  dataDir?: string;
  kekFile?: string;
  /** Overrides of the configuration (SMTP, rate limits, proxy trust). */
  config?: Partial<Config>;
  /**
   * false: close() does not check the audit log against the vocabulary (for tests that write events
   * of their own behind the server, such as tampering ones).
   */
  auditVocabulary?: boolean;
}

export function testConfig(dataDir: string, kekFile: string, databaseUrl: string | undefined): Config {
  return {
    port: 0,
    host: '127.0.0.1',
    dataDir,
    databaseUrl,
    kekFile,
    bootstrapAdmin: { username: ADMIN.username, password: ADMIN.password },
    logLevel: 'info',
    webRoot: undefined,
    trustProxy: false,
    strictStatuses: true,
    sessionHours: 8,
    smtp: undefined,
    database: { statementTimeoutMs: 5_000, connectTimeoutMs: 5_000 },
    auditCheckpointMinutes: 15,
    onlineUnlockLimits: { perAddress: 100, perCard: 10, windowMinutes: 10 },
    // Tests run on a busy machine, where the event loop is often late: the lane's delay limits stand, but
    // the event loop's delay refuses nothing (packages/server/src/http/anonymous-admission.test.ts does).
    anonymousAdmission: { ...DEFAULT_ANONYMOUS_ADMISSION, eventLoopDelayLimitMs: 0 },
  };
}

export async function startTestServer(
  kind: DatabaseKind,
  options: TestServerOptions = {},
): Promise<TestServer> {
  const database = options.database ?? (await createTestDatabase(kind));
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'cardwarden-test-'));
  const kekFile = options.kekFile ?? join(dataDir, 'kek.key');
  const logs: string[] = [];
  const config = { ...testConfig(dataDir, kekFile, database.url), ...options.config };
  const logger = { level: 'info', stream: { write: (line: string) => void logs.push(line) } };
  const server =
    kind === 'pglite' && !options.onDisk
      ? await startServer(config, logger, { handle: await openDatabase(database.target), lock: undefined })
      : await startServer(config, logger);
  const owned = options.database === undefined;
  return {
    url: server.url,
    api: new ApiClient(server.url),
    server,
    logs,
    dataDir,
    kekFile,
    database,
    async close() {
      // Every audit event the test made the server write must be of the vocabulary, with its details.
      let problems: string[] = [];
      if (options.auditVocabulary !== false) {
        try {
          problems = await auditVocabularyProblems(server.ctx.db);
        } catch {
          // The test closed the server already (to run a CLI on its embedded database): nothing to read.
        }
      }
      await server.close();
      if (owned) await database.drop();
      if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
      expectNoAuditProblems(problems);
    },
  };
}

/** Defines the suite once on PGlite and once on PostgreSQL (skipped and named where it is missing). */
export function forEachDatabase(name: string, body: (kind: DatabaseKind) => void): void {
  describe(`${name} (PGlite)`, () => {
    body('pglite');
  });
  describeWith(['postgresql'], `${name} (PostgreSQL)`, () => {
    body('postgres');
  });
}
