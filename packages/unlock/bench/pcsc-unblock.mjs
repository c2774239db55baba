// Benchmark: one complete offline unblock (challenge → response → PIN reset) through pcscd, beside one bare
// APDU round trip measured in the same run, with and without the TCP_NODELAY shim for Debian 12's vpcd.
// Run after `npm run build`, as root, with pcscd and vsmartcard-vpcd: npm run bench:pcsc
// It starts its own private pcscd (unshare) and a software GIDS card, then re-runs itself inside their
// namespaces (--inside) to measure over PC/SC.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(import.meta.url);
const repo = resolve(here, '../../../..');
const ADMIN_KEY = '0A1B2C3D4E5F60718293A4B5C6D7E8F90112233445566778';
const BARE_ROUNDS = 300;
const UNBLOCK_ROUNDS = 30;

function stats(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  return { median: at(0.5), p95: at(0.95), n: sorted.length };
}

const fmt = (ms) => `${ms.toFixed(2)} ms`;

async function inside(rounds) {
  const { PcscCardAccess } = await import(join(repo, 'packages/unlock/dist/pcsc/pcsc-card-access.js'));
  const { requestGidsChallenge, completeGidsUnblock } = await import(
    join(repo, 'packages/unlock/dist/card/gids-offline-unblock.js')
  );
  const { gidsGetData, gidsSelect } = await import(join(repo, 'packages/protocol/dist/gids/index.js'));
  const { fromHex } = await import(join(repo, 'packages/protocol/dist/hex.js'));
  const crypto = await import(join(repo, 'packages/protocol/dist/crypto/index.js'));
  const access = PcscCardAccess.open();
  const reader = (await access.listReaders()).find((r) => r.cardPresent);
  if (!reader) throw new Error('no card in the private pcscd');
  const card = await access.connect(reader.name);
  const { transport } = card;
  await transport.transmit(gidsSelect());
  const pinStatus = gidsGetData(0x3fff, 0x7f71);
  for (let i = 0; i < 10; i++) await transport.transmit(pinStatus);
  const bare = [];
  for (let i = 0; i < rounds.bare; i++) {
    const t = performance.now();
    await transport.transmit(pinStatus);
    bare.push(performance.now() - t);
  }
  const key = fromHex(ADMIN_KEY);
  const unblock = [];
  for (let i = 0; i < rounds.unblock; i++) {
    const t = performance.now();
    await transport.transmit(gidsSelect());
    const challenge = await requestGidsChallenge(transport);
    const response = crypto.computeAdminResponse('3des', key, fromHex(challenge));
    await completeGidsUnblock(transport, response, '24681357');
    unblock.push(performance.now() - t);
  }
  await card.disconnect();
  await access.close();
  process.stdout.write(`${JSON.stringify({ bare: stats(bare), unblock: stats(unblock) })}\n`);
}

async function outside() {
  const { PrivatePcscd } = await import(join(repo, 'packages/card-sim/dist/index.js'));
  const source = resolve(repo, '../shared/tools/vpcd-nodelay/nodelay-preload.c');
  console.log('offline unblock through pcscd + vpcd, software GIDS card (3DES admin key)');
  console.log(
    'unblock = SELECT, MSE SET, GET CHALLENGE, EXTERNAL AUTHENTICATE, RESET RETRY COUNTER, deauthenticate (6 APDUs)\n',
  );
  for (const nodelay of [true, false]) {
    const dir = mkdtempSync(join(tmpdir(), 'cw-bench-'));
    const pcscd = await PrivatePcscd.start({ workDir: dir, nodelaySource: nodelay ? source : undefined });
    const card = await pcscd.startCard([
      'gids',
      '--state',
      join(dir, 'card.json'),
      '--admin-key',
      ADMIN_KEY,
      '--pin',
      '12345678',
      '--serial',
      '00112233445566778899AABBCCDDEEFF',
      '--admin-tries',
      'none',
    ]);
    const rounds = nodelay ? { bare: BARE_ROUNDS, unblock: UNBLOCK_ROUNDS } : { bare: 40, unblock: 8 };
    const result = await pcscd.run(process.execPath, [here, '--inside', JSON.stringify(rounds)], {
      timeoutMs: 120_000,
    });
    await card.stop();
    await pcscd.stop();
    rmSync(dir, { recursive: true, force: true });
    if (result.status !== 0) throw new Error(`measurement failed:\n${result.stdout}${result.stderr}`);
    const { bare, unblock } = JSON.parse(result.stdout);
    const label = nodelay
      ? pcscd.nodelay
        ? 'with TCP_NODELAY shim'
        : 'shim requested but not built (gcc?)'
      : 'without shim (Debian 12 vpcd as is)';
    console.log(`${label}:`);
    console.log(
      `  bare APDU round trip (GET DATA PIN status): median ${fmt(bare.median)}, p95 ${fmt(bare.p95)} (n=${bare.n})`,
    );
    console.log(
      `  complete offline unblock:                   median ${fmt(unblock.median)}, p95 ${fmt(unblock.p95)} (n=${unblock.n})`,
    );
    console.log(`  unblock / bare APDU: ${(unblock.median / bare.median).toFixed(1)}×\n`);
  }
}

if (process.argv[2] === '--inside') await inside(JSON.parse(process.argv[3]));
else await outside();
