/**
 * The real built server as a child process for the portals' end-to-end suites: the built portals, the
 * suites' administrator, its own data directory and a free port (or one chosen ahead).
 */
import { join } from 'node:path';
import { ADMIN } from '@cardwarden/integration-tests/admin';
import { startServerProcess, type ServerProcess } from '@cardwarden/integration-tests/server-process';
import { SERVER_MAIN, WEB_ROOT } from './build.js';

export { ADMIN, type ServerProcess };

/** `port`: one chosen ahead (a redirect URL must name it); `env`: more settings (SSO). */
export function startWebServer(
  options: { port?: number; env?: Readonly<Record<string, string>> } = {},
): Promise<ServerProcess> {
  return startServerProcess({
    command: [SERVER_MAIN],
    port: options.port,
    webRoot: join(WEB_ROOT, 'dist'),
    admin: ADMIN,
    env: { LOG_LEVEL: 'warn', ...options.env },
    readyTimeoutMs: 90_000,
  });
}
