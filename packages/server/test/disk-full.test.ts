import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFixture } from '@cardwarden/integration-tests/fixtures';
import { startTestServer } from '@cardwarden/integration-tests/test-server';
import { api, pathTo } from '@cardwarden/contract';

/** A small file system of the test's own (tmpfs needs root, as in the test container). */
function mountSmallDisk(): string | undefined {
  const dir = mkdtempSync(join(tmpdir(), 'cardwarden-disk-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=80m', 'tmpfs', dir], { stdio: 'ignore' });
    return dir;
  } catch {
    rmSync(dir, { recursive: true, force: true });
    return undefined;
  }
}

const disk = process.getuid?.() === 0 ? mountSmallDisk() : undefined;

describe.runIf(disk !== undefined)('a full disk (embedded database on a small tmpfs)', () => {
  const mount = disk ?? '';
  const dataDir = join(mount, 'data');
  const filler = join(mount, 'filler');
  afterAll(() => {
    execFileSync('umount', [mount]);
    rmSync(mount, { recursive: true, force: true });
  });
  beforeAll(() => {
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('answers 503 saying the disk is full, loses no acknowledged write, and carries on once space is freed', async () => {
    const first = await startTestServer('pglite', { onDisk: true, dataDir });
    const acknowledged: string[] = [];
    const statuses = new Map<number, string>();
    try {
      const f = await createFixture(first.api);
      const fd = openSync(filler, 'w');
      const chunk = Buffer.alloc(1 << 20);
      try {
        for (;;) writeSync(fd, chunk);
      } catch (error) {
        expect((error as NodeJS.ErrnoException).code).toBe('ENOSPC');
      } finally {
        closeSync(fd);
      }
      for (let i = 0; i < 200 && !statuses.has(503); i++) {
        const username = `full-${String(i)}`;
        const created = await f.admin.post(pathTo(api.users.create), {
          username,
          displayName: 'x'.repeat(190),
          email: `${username}@example.org`,
        });
        statuses.set(created.status, created.text);
        if (created.status === 201) acknowledged.push(username);
      }
      expect([...statuses.keys()].filter((status) => status !== 201 && status !== 503)).toEqual([]);
      expect(statuses.get(503)).toContain('"code":"internal.unavailable"');
      expect(statuses.get(503)).toContain('the disk of the database is full');

      rmSync(filler);
      const after = await f.admin.post(pathTo(api.users.create), {
        username: 'after-full',
        displayName: 'After',
        email: 'after-full@example.org',
      });
      expect(after.status).toBe(201);
      acknowledged.push('after-full');
    } finally {
      rmSync(filler, { force: true });
      await first.close();
    }
    // After a restart, every write that was answered as saved is there.
    const second = await startTestServer('pglite', { onDisk: true, dataDir });
    try {
      const admin = await createFixture(second.api).then((f) => f.admin);
      for (const username of acknowledged) {
        const found = await admin.get<{ items: { username: string }[] }>(
          `${pathTo(api.users.list)}?q=${username}`,
        );
        expect(
          found.body.items.map((item) => item.username),
          username,
        ).toContain(username);
      }
    } finally {
      await second.close();
    }
  }, 120_000);
});
