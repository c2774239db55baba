import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { describeWith } from '@cardwarden/integration-tests/system-parts';
import { ApiClient } from '@cardwarden/integration-tests/api-client';
import { freePort } from '@cardwarden/integration-tests/free-port';
import { api as routes, pathTo } from '@cardwarden/contract';

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const UNLOCK_CLI = join(REPO_ROOT, 'packages/unlock/bin/cardwarden-unlock.js');

interface Demo {
  readonly port: number;
  readonly output: string;
}

/** A demo builds a whole server (and maybe a pcscd) before it is ready: slow on a busy machine. */
const DEMO_TIMEOUT_MS = 120_000;

const running: { child: ChildProcess; dataDir: string }[] = [];

afterEach(async () => {
  for (const { child, dataDir } of running.splice(0)) {
    const exited = new Promise((done) => child.once('exit', done));
    child.kill('SIGTERM');
    await exited;
    rmSync(dataDir, { recursive: true, force: true });
  }
});

/** Runs `npm run demo`'s script until it says it is ready. */
async function startDemo(pcscd: 'none' | 'private'): Promise<Demo> {
  const dataDir = mkdtempSync(join(tmpdir(), 'cardwarden-demo-'));
  const port = await freePort();
  const child = spawn(process.execPath, [join(REPO_ROOT, 'scripts/demo.mjs')], {
    env: { ...process.env, PORT: String(port), DEMO_DATA_DIR: dataDir, DEMO_PCSCD: pcscd },
  });
  running.push({ child, dataDir });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  for (let i = 0; i < 240 && !output.includes('demo is ready'); i++)
    await new Promise((r) => setTimeout(r, 250));
  // The last lines follow the first in the same write; give them a moment all the same.
  await new Promise((r) => setTimeout(r, 100));
  expect(output).toContain('Cardwarden demo is ready');
  return { port, output };
}

/** Alice's answers as the demo prints them: "question? answer" lines. */
function printedAnswers(output: string): Map<string, string> {
  const answers = new Map<string, string>();
  for (const match of output.matchAll(/^\s+(What [^?]+\?|In which [^?]+\?) (.+)$/gm))
    answers.set(match[1]!, match[2]!.trim());
  return answers;
}

function printedSerial(output: string): string {
  return /serial ([0-9A-F]{32})/.exec(output)![1]!;
}

describe('npm run demo', () => {
  it(
    'starts a server with demo staff and a cardholder, and says what to do next',
    async () => {
      const { port, output } = await startDemo('none');
      expect(output).toMatch(/apt-get install pcscd/);

      const api = new ApiClient(`http://127.0.0.1:${port}`);
      const operator = await api.login('operator', 'demo operator password');
      const users = await operator.get<{ items: { id: string; username: string }[] }>(
        `${pathTo(routes.users.list)}?q=alice`,
      );
      const alice = users.body.items[0];
      expect(alice?.username).toBe('alice');
      const detail = await operator.get<{ cards: { offlineUnblock: { available: boolean } }[] }>(
        pathTo(routes.users.get, { id: alice?.id ?? '' }),
      );
      expect(detail.body.cards[0]?.offlineUnblock.available).toBe(true);
      await api.login('alice', 'alice demo password', pathTo(routes.selfService.login));
    },
    DEMO_TIMEOUT_MS,
  );

  it(
    'seeds security questions and answers, so that online unlock works with the answers it prints',
    async () => {
      const { port, output } = await startDemo('none');
      const answers = printedAnswers(output);
      expect(answers.size).toBeGreaterThanOrEqual(3);
      const api = new ApiClient(`http://127.0.0.1:${port}`);
      const session = await api.post<{ id: string; questions: { id: string; text: string }[] }>(
        pathTo(routes.onlineUnlock.start),
        { cardSerial: printedSerial(output) },
      );
      expect(session.status).toBe(201);
      const issued = await api.post(pathTo(routes.onlineUnlock.response, { id: session.body.id }), {
        answers: session.body.questions.map((q) => ({ questionId: q.id, answer: answers.get(q.text) })),
        challenge: '0557 897F 8D84 407B',
      });
      expect(issued.status).toBe(200);
      expect(issued.body).toMatchObject({ response: expect.stringMatching(/^[0-9A-F]{16}$/) });
    },
    DEMO_TIMEOUT_MS,
  );
});

describeWith(['pcscd'], 'npm run demo with a private pcscd', () => {
  it(
    'puts the card in a private pcscd, and the printed command unlocks it online',
    async () => {
      const { port, output } = await startDemo('private');
      const prefix = /sudo (nsenter -t (\d+) -m --wd=\S+ --)/.exec(output);
      expect(prefix).not.toBeNull();
      const answers = printedAnswers(output);
      // As printed, minus sudo (the tests run as root) and with this node for npx.
      const tool = spawn(
        'nsenter',
        [
          '-t',
          prefix![2]!,
          '-m',
          `--wd=${REPO_ROOT}`,
          '--',
          process.execPath,
          UNLOCK_CLI,
          'online',
          '--server',
          `http://127.0.0.1:${port}`,
          '--json',
        ],
        { stdio: ['pipe', 'pipe', 'pipe'] },
      );
      let stdout = '';
      let stderr = '';
      tool.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      tool.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        const first = stdout.split('\n')[0];
        if (!stdout.includes('\n') || first === undefined || !first.includes('"questions"')) return;
        if (tool.stdin.writableEnded) return;
        const { questions } = JSON.parse(first) as { questions: { text: string }[] };
        for (const q of questions) tool.stdin.write(`${answers.get(q.text) ?? ''}\n`);
        tool.stdin.end('24681357\n24681357\n');
      });
      const status = await new Promise((done) => tool.once('close', done));
      expect(stdout, stderr).toContain('"result":"unblocked"');
      expect(status).toBe(0);
    },
    DEMO_TIMEOUT_MS,
  );
});
