// `npm run demo`: a server with demo staff, a demo cardholder and a software card whose PIN is blocked,
// then what to try. Everything lives in ./data-demo (DEMO_DATA_DIR), made afresh each run.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const dataDir = resolve(process.env.DEMO_DATA_DIR ?? resolve(root, 'data-demo'));
const port = process.env.PORT ?? '8080';
const base = `http://127.0.0.1:${port}`;
const STAFF = {
  admin: { username: 'admin', password: 'demo admin password', role: 'admin' },
  operator: { username: 'operator', password: 'demo operator password', role: 'operator' },
  supervisor: { username: 'supervisor', password: 'demo supervisor password', role: 'supervisor' },
};
const CARDHOLDER = { username: 'alice', password: 'alice demo password', pin: '12345678' };
const children = [];

function stopAll(code) {
  for (const child of children) child.kill('SIGTERM');
  process.exit(code);
}
process.on('SIGINT', () => stopAll(0));
process.on('SIGTERM', () => stopAll(0));

function fail(message) {
  process.stderr.write(`demo: ${message}\n`);
  stopAll(1);
}

async function api(method, path, body, token) {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) fail(`${method} ${path} answered ${response.status}: ${text}`);
  return text ? JSON.parse(text) : {};
}

if (!existsSync(resolve(root, 'packages/server/dist/main.js')))
  fail('not built yet: run "npm ci" (or "npm run build") first');
rmSync(dataDir, { recursive: true, force: true });
mkdirSync(dataDir, { recursive: true });

const server = spawn(process.execPath, [resolve(root, 'packages/server/dist/main.js')], {
  env: {
    ...process.env,
    PORT: port,
    DATA_DIR: dataDir,
    DATABASE_URL: '',
    CARDWARDEN_ADMIN_USER: STAFF.admin.username,
    CARDWARDEN_ADMIN_PASSWORD: STAFF.admin.password,
    LOG_LEVEL: 'warn',
  },
  stdio: ['ignore', 'inherit', 'inherit'],
});
children.push(server);
server.on('exit', (code) =>
  fail(`the server stopped (exit ${code}); is port ${port} free? Set PORT to use another.`),
);

for (let i = 0; ; i++) {
  try {
    if ((await fetch(`${base}/healthz`)).ok) break;
  } catch {
    // not listening yet
  }
  if (i > 240) fail('the server did not become ready in 60 s');
  await new Promise((r) => setTimeout(r, 250));
}

const { token } = await api('POST', '/api/v1/auth/login', {
  username: STAFF.admin.username,
  password: STAFF.admin.password,
});
for (const who of [STAFF.operator, STAFF.supervisor]) await api('POST', '/api/v1/operators', who, token);
await api(
  'POST',
  '/api/v1/profiles',
  {
    name: 'Demo smart cards',
    description: 'Every unblock use case enabled, for the demo',
    useCases: { operatorOfflineUnblock: true, selfServiceOfflineUnblock: true, onlineUnlock: true },
    pinRules: { minLength: 6, maxLength: 8, digitsOnly: true },
  },
  token,
);
const user = await api(
  'POST',
  '/api/v1/users',
  { username: CARDHOLDER.username, displayName: 'Alice Example', email: 'alice@example.org' },
  token,
);
await api('PUT', `/api/v1/users/${user.id}/password`, { password: CARDHOLDER.password }, token);
const adminKey = randomBytes(24).toString('hex').toUpperCase();
const serial = randomBytes(16).toString('hex').toUpperCase();
const card = await api(
  'POST',
  '/api/v1/cards',
  {
    serial,
    username: CARDHOLDER.username,
    profile: 'Demo smart cards',
    type: 'gids',
    adminKey: { algorithm: '3des', key: adminKey },
  },
  token,
);

const vpcdDriver = '/usr/lib/pcsc/drivers/serial/libifdvpcd.so';
const hasPcsc = existsSync(vpcdDriver) && ['/usr/sbin/pcscd', '/sbin/pcscd'].some((p) => existsSync(p));
let cardLine;
if (hasPcsc) {
  const softwareCard = spawn(
    process.execPath,
    [
      resolve(root, 'packages/card-sim/bin/cardwarden-card.js'),
      'gids',
      '--state',
      resolve(dataDir, 'card.json'),
      '--admin-key',
      adminKey,
      '--pin',
      CARDHOLDER.pin,
      '--serial',
      serial,
      '--block-pin',
    ],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
  children.push(softwareCard);
  cardLine = `A software GIDS card (serial ${serial}) with a blocked PIN sits in the reader "Virtual PCD 00 00".
  If pcscd is not running yet, start it in another terminal:  sudo pcscd --foreground
  Then, as the cardholder:   npx cardwarden-unlock list
                             npx cardwarden-unlock offline
  read the challenge to the help desk (or use self-service), type the response, choose a new PIN.`;
} else {
  cardLine = `No software card: pcscd with the vpcd reader is not installed. To try the unlock tool too:
      sudo apt-get install pcscd vsmartcard-vpcd libpcsclite-dev && npm ci
  and run "npm run demo" again. The portals work without it; use any 16-hex-digit challenge,
  e.g. 0557 897F 8D84 407B.`;
}

process.stdout.write(`
Cardwarden demo is ready at ${base}  (data in ${dataDir}; Ctrl+C stops it)

  Help desk:     ${base}/   sign in as "${STAFF.operator.username}" / "${STAFF.operator.password}"
                 (supervisor: "${STAFF.supervisor.username}" / "${STAFF.supervisor.password}",
                  admin: "${STAFF.admin.username}" / "${STAFF.admin.password}")
                 User Lookup "alice" → Generate Offline Unblock → type the card's challenge.
  Self-service:  ${base}/self-service   sign in as "${CARDHOLDER.username}" / "${CARDHOLDER.password}"
  Card:          ${card.id} (admin key KCV ${card.adminKeyKcv})

  ${cardLine}
`);
