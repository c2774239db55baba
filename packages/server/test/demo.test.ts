import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { ApiClient } from './support/api-client.js';
import { freePort } from './support/free-port.js';

describe('npm run demo', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'cardwarden-demo-'));
  let demo: ChildProcess | undefined;
  afterAll(() => {
    demo?.kill('SIGTERM');
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('starts a server with demo staff and a cardholder, and says what to do next', async () => {
    const port = await freePort();
    const script = fileURLToPath(new URL('../../../scripts/demo.mjs', import.meta.url));
    const child = spawn(process.execPath, [script], {
      env: { ...process.env, PORT: String(port), DEMO_DATA_DIR: dataDir },
    });
    demo = child;
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    for (let i = 0; i < 240 && !output.includes('demo is ready'); i++)
      await new Promise((r) => setTimeout(r, 250));
    expect(output).toContain('Cardwarden demo is ready');
    expect(output).toMatch(/cardwarden-unlock offline|apt-get install pcscd/);

    const api = new ApiClient(`http://127.0.0.1:${port}`);
    const operator = await api.login('operator', 'demo operator password');
    const users = await operator.get<{ items: { id: string; username: string }[] }>('/api/v1/users?q=alice');
    const alice = users.body.items[0];
    expect(alice?.username).toBe('alice');
    const detail = await operator.get<{ cards: { offlineUnblock: { available: boolean } }[] }>(
      `/api/v1/users/${alice?.id ?? ''}`,
    );
    expect(detail.body.cards[0]?.offlineUnblock.available).toBe(true);
    await api.login('alice', 'alice demo password', '/api/v1/self-service/login');
  });
});
