#!/usr/bin/env node
/* global document, HTMLInputElement -- evaluated in the page */
// The portals' size and speed: gzipped JS of the build (what User Lookup loads, and everything), and
// the time to interactive of User Lookup in Chromium against the real server, next to a baseline from
// the same run (navigating to the server's tiny /healthz document). Medians of several cold loads.
// Usage: npm run bench -w packages/web   (builds the portals first)
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import { api, pathTo } from '@cardwarden/contract';

const WEB = fileURLToPath(new URL('..', import.meta.url));
const ROOT = join(WEB, '../..');
const DIST = join(WEB, 'dist');
// CARDWARDEN_E2E_SERVER_MAIN runs another server build, as in the end-to-end tests.
const SERVER_MAIN = process.env.CARDWARDEN_E2E_SERVER_MAIN ?? join(ROOT, 'packages/server/dist/main.js');
const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const ADMIN = { username: 'admin', password: 'bench admin password 1234' };

const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KiB`;
const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
};

function sizes() {
  const html = readFileSync(join(DIST, 'index.html'), 'utf8');
  const initial = [...html.matchAll(/(?:src|href)="\/(assets\/[^"]+\.js)"/g)].map((m) => m[1]);
  const gz = (file) => gzipSync(readFileSync(join(DIST, file)), { level: 9 }).length;
  const all = readdirSync(join(DIST, 'assets')).map((name) => `assets/${name}`);
  const js = all.filter((f) => f.endsWith('.js'));
  const css = all.filter((f) => f.endsWith('.css'));
  const sum = (files) => files.reduce((total, file) => total + gz(file), 0);
  return {
    initialJs: sum(initial),
    allJs: sum(js),
    css: sum(css),
    initialFiles: initial.length,
    jsFiles: js.length,
  };
}

async function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

async function startServer() {
  const dataDir = mkdtempSync(join(tmpdir(), 'cardwarden-web-bench-'));
  const port = await freePort();
  let output = '';
  const child = spawn(process.execPath, [SERVER_MAIN], {
    cwd: ROOT,
    env: {
      ...process.env,
      DATA_DIR: dataDir,
      PORT: String(port),
      HOST: '127.0.0.1',
      DATABASE_URL: '',
      CARDWARDEN_WEB_ROOT: DIST,
      CARDWARDEN_KEK_FILE: join(dataDir, 'kek.key'),
      CARDWARDEN_ADMIN_USER: ADMIN.username,
      CARDWARDEN_ADMIN_PASSWORD: ADMIN.password,
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited:\n${output}`);
    try {
      if ((await fetch(`${url}/healthz`)).ok) break;
    } catch {
      // not yet
    }
    if (Date.now() > deadline) throw new Error(`server not ready:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return {
    url,
    async stop() {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 10_000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

async function main() {
  if (!existsSync(join(DIST, 'index.html')))
    execFileSync('npx', ['vite', 'build'], { cwd: WEB, stdio: 'inherit' });
  if (!existsSync(SERVER_MAIN))
    execFileSync('npx', ['tsc', '-b', 'tsconfig.build.json'], { cwd: ROOT, stdio: 'inherit' });
  const size = sizes();
  const server = await startServer();
  const login = await fetch(`${server.url}${pathTo(api.auth.login)}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(ADMIN),
  });
  const { token } = await login.json();
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--headless',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
  try {
    // A cold load each time: a fresh context has an empty cache.
    const measure = async (path, ready) => {
      const context = await browser.newContext();
      await context.addInitScript((t) => sessionStorage.setItem('cardwarden.operator.token', t), token);
      const page = await context.newPage();
      await page.goto(`${server.url}${path}`, { waitUntil: 'commit' });
      await ready(page);
      const ms = await page.evaluate(() => performance.now());
      await context.close();
      return ms;
    };
    const lookupReady = (page) =>
      page.waitForFunction(
        () => {
          const input = document.activeElement;
          return (
            input instanceof HTMLInputElement &&
            input.labels?.[0]?.textContent === 'User Lookup' &&
            !input.disabled
          );
        },
        undefined,
        { polling: 'raf', timeout: 30_000 },
      );
    const baselineReady = (page) => page.waitForLoadState('load');
    await measure('/', lookupReady); // warm up the server and the browser process
    const baseline = [];
    const lookup = [];
    for (let i = 0; i < RUNS; i++) {
      baseline.push(await measure('/healthz', baselineReady));
      lookup.push(await measure('/', lookupReady));
    }
    const result = {
      gzippedJs: { userLookupInitial: size.initialJs, allChunks: size.allJs, css: size.css },
      timeToInteractiveMs: { userLookup: median(lookup), baselineBlank: median(baseline), runs: RUNS },
    };
    console.log('Cardwarden web portals benchmark');
    console.log(`  gzipped JS loaded by User Lookup: ${kb(size.initialJs)} (${size.initialFiles} files)`);
    console.log(
      `  gzipped JS, all chunks:           ${kb(size.allJs)} (${size.jsFiles} files; admin console and self-service load on demand)`,
    );
    console.log(`  gzipped CSS:                      ${kb(size.css)}`);
    console.log(
      `  User Lookup time to interactive:  ${median(lookup).toFixed(0)} ms (median of ${RUNS} cold loads; min ${Math.min(...lookup).toFixed(0)}, max ${Math.max(...lookup).toFixed(0)})`,
    );
    console.log(
      `  baseline, blank page (/healthz):  ${median(baseline).toFixed(0)} ms (same server, same run)`,
    );
    console.log(JSON.stringify(result));
  } finally {
    await browser.close();
    await server.stop();
  }
}

await main();
