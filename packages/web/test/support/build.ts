/** Makes sure the server and the portals the end-to-end tests run are built from the current sources. */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
export const WEB_ROOT = join(REPO_ROOT, 'packages/web');
/** The built server; CARDWARDEN_E2E_SERVER_MAIN runs another build (say, of a known-good commit). */
export const SERVER_MAIN =
  process.env.CARDWARDEN_E2E_SERVER_MAIN ?? join(REPO_ROOT, 'packages/server/dist/main.js');

/** The newest modification time of any file under `paths` (0 when none exist). */
function newest(paths: readonly string[]): number {
  let latest = 0;
  const visit = (path: string): void => {
    if (!existsSync(path)) return;
    const stat = statSync(path);
    if (stat.isDirectory()) {
      for (const entry of readdirSync(path))
        if (entry !== 'node_modules' && entry !== 'dist') visit(join(path, entry));
    } else {
      latest = Math.max(latest, stat.mtimeMs);
    }
  };
  for (const path of paths) visit(path);
  return latest;
}

function builtAt(file: string): number {
  return existsSync(file) ? statSync(file).mtimeMs : 0;
}

/** Rebuilds what is missing or older than its sources; returns what it rebuilt. */
export function ensureBuilt(): string[] {
  const rebuilt: string[] = [];
  const serverSources = ['server', 'contract', 'protocol'].map((name) =>
    join(REPO_ROOT, 'packages', name, 'src'),
  );
  if (!process.env.CARDWARDEN_E2E_SERVER_MAIN && builtAt(SERVER_MAIN) < newest(serverSources)) {
    try {
      execFileSync('npx', ['tsc', '-b', 'tsconfig.build.json'], { cwd: REPO_ROOT, stdio: 'pipe' });
      rebuilt.push('server');
    } catch (error) {
      // Sources being edited may not compile; the last good build still serves the portals.
      if (!existsSync(SERVER_MAIN)) throw error;
      const output = (error as { stdout?: Buffer }).stdout?.toString() ?? '';
      process.stderr.write(
        `web e2e: the server does not build now; using its last build.\n${output.slice(0, 2000)}\n`,
      );
    }
  }
  const webSources = [
    join(WEB_ROOT, 'src'),
    join(WEB_ROOT, 'index.html'),
    join(WEB_ROOT, 'vite.config.ts'),
    join(REPO_ROOT, 'packages/protocol/src'),
  ];
  if (builtAt(join(WEB_ROOT, 'dist/index.html')) < newest(webSources)) {
    // Vitest sets NODE_ENV=test, which would make Vite bundle React's development build.
    execFileSync('npx', ['vite', 'build', '--logLevel', 'warn'], {
      cwd: WEB_ROOT,
      stdio: 'pipe',
      env: { ...process.env, NODE_ENV: 'production' },
    });
    rebuilt.push('web');
  }
  return rebuilt;
}
