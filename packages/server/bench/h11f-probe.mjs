// temporary: closed-loop throughput of hostile unknown-serial starts vs healthz
import { spawn } from 'node:child_process';
import { Agent, request as httpRequest } from 'node:http';
import { fileURLToPath } from 'node:url';
const main = fileURLToPath(new URL('../dist/main.js', import.meta.url));
const port = 18000 + Math.floor(Math.random() * 1000);
const dataDir = process.env.PROBE_DIR;
const server = spawn(process.execPath, [...(process.env.PROF ? ['--cpu-prof', '--cpu-prof-dir=/tmp/h11f/prof'] : []), main], { env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'warn', CARDWARDEN_ADMIN_PASSWORD: 'bench admin password' }, stdio: ['ignore', 'ignore', 'inherit'] });
const agents = new Map();
const agentFor = (a) => agents.get(a) ?? (agents.set(a, new Agent({ keepAlive: true, maxSockets: 2, localAddress: a })), agents.get(a));
function call(method, path, body, address = '127.0.0.1') {
  const payload = body && JSON.stringify(body);
  return new Promise((resolve) => {
    const req = httpRequest({ host: '127.0.0.1', port, method, path, agent: agentFor(address), headers: payload ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } : {} }, (res) => { res.resume(); res.on('end', () => resolve(res.statusCode)); });
    req.on('error', () => resolve(0));
    if (payload) req.write(payload);
    req.end();
  });
}
for (let i = 0; ; i++) { if ((await call('GET', '/healthz')) === 200) break; await new Promise((r) => setTimeout(r, 250)); }
async function closed(label, make, seconds = 4, conc = 16) {
  let n = 0; const until = performance.now() + seconds * 1000; const codes = {};
  await Promise.all(Array.from({ length: conc }, async (_, w) => { while (performance.now() < until) { const c = await make(n++); codes[c] = (codes[c] ?? 0) + 1; } }));
  console.log(label, (n / seconds).toFixed(0), '/s', JSON.stringify(codes));
}
const addr = (i) => `127.1.${Math.floor(i / 250) % 250}.${(i % 250) + 1}`;
await closed('warm', (i) => call('POST', '/api/v1/online-unlock/sessions', { cardSerial: `W-${i}` }, addr(i % 2000)), 2);
await closed('unknown start', (i) => call('POST', '/api/v1/online-unlock/sessions', { cardSerial: `NOPE-${i}` }, addr(i % 2000)), 8);

server.kill('SIGTERM');
await new Promise((r) => server.on('exit', r));
for (const a of agents.values()) a.destroy();
