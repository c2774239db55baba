/** `online`'s options are checked before any card or server is touched. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../src/cli.js';
import { collector } from './software-card-access.js';

async function run(args: string[]) {
  const stdout = collector();
  const stderr = collector();
  let opened = false;
  const status = await main(args, {
    openCardAccess: () => {
      opened = true;
      throw new Error('no card access in this test');
    },
    stdout,
    stderr,
    input: { next: () => Promise.resolve(undefined), close: () => undefined },
  });
  return { status, stderr: stderr.text(), opened };
}

describe('cardwarden-unlock online options', () => {
  it('needs --server', async () => {
    expect(await run(['online'])).toMatchObject({
      status: 2,
      stderr: expect.stringMatching(/--server https:/),
      opened: false,
    });
  });

  it('refuses plain http to another computer unless --insecure-http, saying why', async () => {
    const refused = await run(['online', '--server', 'http://unlock.example.org']);
    expect(refused).toMatchObject({ status: 2, opened: false });
    expect(refused.stderr).toMatch(/unencrypted/);
    // Accepted: it goes on to the card (which this test does not have).
    expect((await run(['online', '--server', 'http://unlock.example.org', '--insecure-http'])).opened).toBe(
      true,
    );
    expect((await run(['online', '--server', 'http://127.0.0.1:9'])).opened).toBe(true);
  });

  it('checks --ca-file before anything else', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cw-ca-'));
    const notPem = join(dir, 'not.pem');
    writeFileSync(notPem, 'hello');
    expect(
      (await run(['online', '--server', 'https://u.example.org', '--ca-file', join(dir, 'missing.pem')]))
        .stderr,
    ).toMatch(/cannot read --ca-file/);
    expect((await run(['online', '--server', 'https://u.example.org', '--ca-file', notPem])).stderr).toMatch(
      /no PEM certificate/,
    );
    expect((await run(['online', '--server', 'http://localhost:3000', '--ca-file', notPem])).stderr).toMatch(
      /https:\/\/ servers only/,
    );
  });

  it('keeps the server options to the commands that use a server', async () => {
    expect(await run(['list', '--server', 'https://u.example.org'])).toMatchObject({
      status: 2,
      stderr: expect.stringMatching(/--server is for the online, offline, puk and issue commands only/),
    });
    expect(await run(['offline', '--ca-file', 'ca.pem'])).toMatchObject({
      status: 2,
      stderr: expect.stringMatching(/--ca-file goes with --server/),
    });
    expect(await run(['offline', '--server', 'http://unlock.example.org'])).toMatchObject({
      status: 2,
      stderr: expect.stringMatching(/https/),
    });
  });
});
