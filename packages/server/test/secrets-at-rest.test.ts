import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeWith } from '@cardwarden/integration-tests/system-parts';
import { normalizeAnswer } from '../src/services/answer-normalization.js';
import { createOperator, registerCard, unique, type Fixture } from '@cardwarden/integration-tests/fixtures';
import { createSecurityFixture } from '@cardwarden/integration-tests/security-fixture';
import { ADMIN, startTestServer, type TestServer } from '@cardwarden/integration-tests/test-server';
import { api, pathTo } from '@cardwarden/contract';

/** Every file below `dir`, recursively. */
function filesBelow(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesBelow(path) : [path];
  });
}

/** The forms a secret could take in a file: hex either case, raw bytes, UTF-8 and UTF-16 text. */
function forms(secret: { hex?: string; text?: string }): Buffer[] {
  const out: Buffer[] = [];
  if (secret.hex) {
    out.push(
      Buffer.from(secret.hex.toUpperCase()),
      Buffer.from(secret.hex.toLowerCase()),
      Buffer.from(secret.hex, 'hex'),
    );
  }
  if (secret.text) out.push(Buffer.from(secret.text, 'utf8'), Buffer.from(secret.text, 'utf16le'));
  return out;
}

interface Secrets {
  answers: string[];
  keyHex: string;
  aesKeyHex: string;
  operatorPassword: string;
  response: string;
  token: string;
}

/** Runs a whole help-desk session and returns every secret that passed through the server. */
async function runSession(server: TestServer): Promise<{ secrets: Secrets; fixture: Fixture }> {
  // Random answers: a common word such as "paris" also stands in PostgreSQL's own catalogue files.
  const fixture = await createSecurityFixture(
    server.api,
    {},
    {
      answers: [unique('Pet Name'), unique('Ünïcode school'), unique('TOWN')],
    },
  );
  const keyHex = randomBytes(24).toString('hex').toUpperCase();
  const aesKeyHex = randomBytes(32).toString('hex');
  const card = await registerCard(fixture.admin, {
    username: fixture.username,
    profile: fixture.profileName,
    key: keyHex,
  });
  await registerCard(fixture.admin, {
    username: fixture.username,
    profile: fixture.profileName,
    algorithm: 'aes256',
    key: aesKeyHex,
  });
  const username = unique('op');
  const operatorPassword = `${username} secret passphrase`;
  await fixture.admin.post(pathTo(api.operators.create), {
    username,
    password: operatorPassword,
    role: 'operator',
  });
  const operator = await server.api.login(username, operatorPassword);
  await server.api.post(pathTo(api.auth.login), { username, password: 'a wrong password here' });
  const session = await operator.post<{ id: string }>(pathTo(api.offlineUnblocks.start, { id: card.id }), {
    ticket: 'T-1',
  });
  const issued = await operator.post<{ response: string }>(
    pathTo(api.offlineUnblocks.response, { id: session.body.id }),
    {
      challenge: '0011223344556677',
    },
  );
  expect(issued.status).toBe(200);
  await operator.post(pathTo(api.offlineUnblocks.outcome, { id: session.body.id }), { result: 'unblocked' });
  await createOperator(fixture.admin, 'supervisor');
  return {
    secrets: {
      answers: [...fixture.answers.values()],
      keyHex,
      aesKeyHex,
      operatorPassword,
      response: issued.body.response,
      token: operator.token ?? '',
    },
    fixture,
  };
}

function expectAbsent(haystack: Buffer, secrets: Secrets, what: string): void {
  const checks: [string, Buffer[]][] = [
    ['3DES admin key', forms({ hex: secrets.keyHex })],
    ['AES admin key', forms({ hex: secrets.aesKeyHex })],
    ['operator password', forms({ text: secrets.operatorPassword })],
    ['admin password', forms({ text: ADMIN.password })],
    ['response', forms({ hex: secrets.response })],
    ['bearer token', forms({ text: secrets.token })],
    ...secrets.answers.map((answer): [string, Buffer[]] => [
      'security answer',
      [...forms({ text: answer }), ...forms({ text: normalizeAnswer(answer) })],
    ]),
  ];
  for (const [name, needles] of checks) {
    for (const needle of needles) {
      expect(haystack.includes(needle), `${what} contains the ${name}`).toBe(false);
    }
  }
}

describe('no secret in clear in the embedded database files or the log', () => {
  let server: TestServer;
  let secrets: Secrets;
  let fixture: Fixture;
  beforeAll(async () => {
    server = await startTestServer('pglite', { onDisk: true });
    ({ secrets, fixture } = await runSession(server));
  });
  afterAll(async () => {
    await server.close();
  });

  it('keeps keys, passwords, responses and tokens out of every file under DATA_DIR', async () => {
    const dataDir = server.dataDir;
    await server.server.close();
    const files = filesBelow(join(dataDir, 'pglite'));
    expect(files.length).toBeGreaterThan(100);
    const contents = files.map((file) => readFileSync(file));
    // The data did reach the files: the (not secret) username is there.
    expect(contents.some((content) => content.includes(Buffer.from(fixture.username)))).toBe(true);
    files.forEach((file, i) => {
      expectAbsent(contents[i] ?? Buffer.alloc(0), secrets, file);
    });
  });

  it('keeps them out of the log of the whole session', () => {
    expect(server.logs.length).toBeGreaterThan(10);
    expectAbsent(Buffer.from(server.logs.join('\n')), secrets, 'the server log');
  });

  it('the test can see a secret where there is one', () => {
    expect(() => {
      expectAbsent(Buffer.from(`xx${secrets.keyHex.toLowerCase()}xx`), secrets, 'a planted string');
    }).toThrow(/3DES admin key/);
  });
});

describeWith(['postgresql'], 'no secret in clear in a PostgreSQL dump', () => {
  let server: TestServer;
  let secrets: Secrets;
  beforeAll(async () => {
    server = await startTestServer('postgres');
    ({ secrets } = await runSession(server));
  });
  afterAll(async () => {
    await server.close();
  });

  it('keeps keys, passwords, responses and tokens out of pg_dump', () => {
    const dump = execFileSync('pg_dump', ['--dbname', server.database.url ?? ''], {
      maxBuffer: 64 * 1024 * 1024,
    });
    expect(dump.toString()).toContain('admin_keys');
    expectAbsent(dump, secrets, 'pg_dump');
  });

  it('keeps them out of the log', () => {
    expectAbsent(Buffer.from(server.logs.join('\n')), secrets, 'the server log');
  });
});
