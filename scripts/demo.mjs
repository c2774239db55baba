// `npm run demo`: a server with demo staff, a demo cardholder with security answers (for online unlock)
// and a software card whose PIN is blocked, then what to try. Everything lives in ./data-demo
// (DEMO_DATA_DIR), made afresh each run.
//
// The software card needs pcscd with the vpcd reader. DEMO_PCSCD chooses which pcscd:
//   private  a pcscd of the demo's own, in new mount and network namespaces (as the tests run it): the
//            system's pcscd and readers are untouched, and vpcd listens nowhere else. Needs root.
//   system   the system-wide pcscd (vpcd then listens on every interface of this computer).
//   none     no software card.
// Default: private when run as root and util-linux, pcscd and vsmartcard-vpcd are there; else system when
// pcscd and vpcd are installed; else none.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { api as routes, pathTo } from '@cardwarden/contract';

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
/** The catalogue's questions, and Alice's answers to them (case and spaces do not matter). */
const SECURITY_QUESTIONS = [
  { text: 'What was the name of your first pet?', answer: 'Rex' },
  { text: 'In which city were you born?', answer: 'Lyon' },
  { text: 'What was the name of your primary school?', answer: 'Hill Street' },
  { text: 'What was the make of your first car?', answer: 'Renault' },
];
const children = [];
/** Things to stop on exit besides child processes (the private pcscd and its card). */
const stoppers = [];

function stopAll(code) {
  for (const stop of stoppers) stop();
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
// The server refuses a data directory other users could read (0700, like its own).
mkdirSync(dataDir, { recursive: true, mode: 0o700 });

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
server.on('exit', (code) => fail(`the server stopped (exit ${code}): its own message above says why`));

for (let i = 0; ; i++) {
  try {
    if ((await fetch(`${base}/healthz`)).ok) break;
  } catch {
    // not listening yet
  }
  if (i > 240) fail('the server did not become ready in 60 s');
  await new Promise((r) => setTimeout(r, 250));
}

const { token } = await api('POST', pathTo(routes.auth.login), {
  username: STAFF.admin.username,
  password: STAFF.admin.password,
});
for (const who of [STAFF.operator, STAFF.supervisor])
  await api('POST', pathTo(routes.operators.create), who, token);
await api(
  'POST',
  pathTo(routes.profiles.create),
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
  pathTo(routes.users.create),
  { username: CARDHOLDER.username, displayName: 'Alice Example', email: 'alice@example.org' },
  token,
);
await api('PUT', pathTo(routes.users.setPassword, { id: user.id }), { password: CARDHOLDER.password }, token);
const questionIds = [];
for (const { text } of SECURITY_QUESTIONS)
  questionIds.push((await api('POST', pathTo(routes.securityQuestions.create), { text }, token)).id);
const cardholder = await api('POST', pathTo(routes.selfService.login), {
  username: CARDHOLDER.username,
  password: CARDHOLDER.password,
});
await api(
  'PUT',
  pathTo(routes.securityQuestions.setMyAnswers),
  { answers: SECURITY_QUESTIONS.map(({ answer }, i) => ({ questionId: questionIds[i], answer })) },
  cardholder.token,
);
const adminKey = randomBytes(24).toString('hex').toUpperCase();
const serial = randomBytes(16).toString('hex').toUpperCase();
const card = await api(
  'POST',
  pathTo(routes.cards.create),
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
const canPrivate = hasPcsc && process.getuid?.() === 0 && spawnSync('unshare', ['--version']).status === 0;
const pcscdMode = process.env.DEMO_PCSCD || (canPrivate ? 'private' : hasPcsc ? 'system' : 'none');
if (!['private', 'system', 'none'].includes(pcscdMode))
  fail(`DEMO_PCSCD is "${pcscdMode}"; use private, system or none`);
if (pcscdMode === 'private' && !canPrivate)
  fail('DEMO_PCSCD=private needs root, util-linux (unshare), pcscd and vsmartcard-vpcd');
if (pcscdMode === 'system' && !hasPcsc) fail('DEMO_PCSCD=system needs pcscd and vsmartcard-vpcd');
const cardArgs = [
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
];
const tryTheTool = (prefix) => `Then, as the cardholder:
      ${prefix}npx cardwarden-unlock list
      ${prefix}npx cardwarden-unlock offline --server ${base}
                 read the challenge to the help desk (or use self-service), type the response, choose a new PIN
      ${prefix}npx cardwarden-unlock online --server ${base}
                 answer Alice's security questions (above), choose a new PIN
  To try again with a blocked PIN, run "npm run demo" again: it starts afresh.`;
let cardLine;
if (pcscdMode === 'private') {
  const { PrivatePcscd } = await import(pathToFileURL(resolve(root, 'packages/card-sim/dist/index.js')).href);
  const pcscd = await PrivatePcscd.start({
    workDir: resolve(dataDir, 'pcscd'),
    nodelaySource: resolve(root, '../shared/tools/vpcd-nodelay/nodelay-preload.c'),
  });
  stoppers.push(() => void pcscd.stop());
  const softwareCard = await pcscd.startCard(cardArgs);
  stoppers.unshift(() => void softwareCard.stop());
  cardLine = `A software GIDS card (serial ${serial}) with a blocked PIN sits in the reader "${pcscd.readerName}" of
  a private pcscd (process ${pcscd.pid}, in its own mount and network namespaces; the system's pcscd is
  untouched). Programs reach it through its socket by joining its mount namespace only (so they still
  reach the server here): prefix them with  sudo nsenter -t ${pcscd.pid} -m --wd=${root} --
  ${tryTheTool(`sudo nsenter -t ${pcscd.pid} -m --wd=${root} -- `)}`;
} else if (pcscdMode === 'system') {
  const softwareCard = spawn(
    process.execPath,
    [resolve(root, 'packages/card-sim/bin/cardwarden-card.js'), ...cardArgs],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
  children.push(softwareCard);
  cardLine = `A software GIDS card (serial ${serial}) with a blocked PIN sits in the reader "Virtual PCD 00 00" of
  the system-wide pcscd. If pcscd is not running yet, start it in another terminal:  sudo pcscd --foreground
  (As root, "npm run demo" runs a private pcscd instead, leaving the system's alone: see docs/software-cards.md.)
  ${tryTheTool('')}`;
} else {
  cardLine = `No software card: pcscd with the vpcd reader is not installed. To try the unlock tool too:
      sudo apt-get install pcscd vsmartcard-vpcd libpcsclite-dev && npm ci
  and run "npm run demo" again (as root it runs a private pcscd of its own). The portals work without it;
  use any 16-hex-digit challenge, e.g. 0557 897F 8D84 407B.`;
}
const answersLine = SECURITY_QUESTIONS.map(({ text, answer }) => `${text} ${answer}`).join(
  '\n                 ',
);

process.stdout.write(`
Cardwarden demo is ready at ${base}  (data in ${dataDir}; Ctrl+C stops it)

  Help desk:     ${base}/   sign in as "${STAFF.operator.username}" / "${STAFF.operator.password}"
                 (supervisor: "${STAFF.supervisor.username}" / "${STAFF.supervisor.password}",
                  admin: "${STAFF.admin.username}" / "${STAFF.admin.password}")
                 User Lookup "alice" → Generate Offline Unblock → type the card's challenge.
  Self-service:  ${base}/self-service   sign in as "${CARDHOLDER.username}" / "${CARDHOLDER.password}"
  Card:          serial ${serial}, id ${card.id} (admin key KCV ${card.adminKeyKcv})
  Alice's security answers (for online unlock and the help desk's identity check):
                 ${answersLine}

  ${cardLine}
`);
