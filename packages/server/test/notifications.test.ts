import { makeSelfSignedCertificate } from '@cardwarden/integration-tests/certificates';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import {
  answersFor,
  createSecurityFixture,
  type SecurityFixture,
} from '@cardwarden/integration-tests/security-fixture';
import { recipients, startSmtpSink, type SmtpSink } from './support/smtp-sink.js';
import { forEachDatabase, startTestServer, type TestServer } from '@cardwarden/integration-tests/test-server';
import { freePort } from '@cardwarden/integration-tests/free-port';
import { notifications } from '../src/db/schema.js';
import { api, pathTo } from '@cardwarden/contract';

const SECURITY = 'security-team@example.org';

forEachDatabase('email notifications through a real SMTP server', (kind) => {
  let smtp: SmtpSink;
  let server: TestServer;
  let f: SecurityFixture;
  beforeAll(async () => {
    smtp = await startSmtpSink();
    server = await startTestServer(kind, {
      config: {
        smtp: {
          url: smtp.url,
          from: 'Cardwarden <cardwarden@example.org>',
          caFile: undefined,
          securityMailbox: SECURITY,
        },
      },
    });
    f = await createSecurityFixture(server.api);
  });
  afterAll(async () => {
    await server.close();
    await smtp.close();
  });

  const email = () => `${f.username}@example.org`;

  it('tells the cardholder, and the security mailbox, each time the help desk issues a response', async () => {
    const session = await f.operator.post<{ id: string }>(
      pathTo(api.offlineUnblocks.start, { id: f.cardId }),
      {},
    );
    const before = Date.now();
    const issued = await f.operator.post<{ response: string }>(
      pathTo(api.offlineUnblocks.response, { id: session.body.id }),
      {
        challenge: '0557897F8D84407B',
      },
    );
    expect(issued.status).toBe(200);
    const mail = await smtp.waitFor(
      (m) => recipients(m).includes(email()) && m.subject === `Your smart card ${f.serial} was unblocked`,
    );
    expect(mail.text).toContain('by the help desk');
    expect(mail.text).toContain(f.serial);
    expect(mail.text).toContain(f.operatorName);
    const stamp = /at (\d{4}-\d\d-\d\d \d\d:\d\d:\d\d) UTC/.exec(mail.text ?? '')?.[1];
    expect(Math.abs(new Date(`${stamp ?? ''}Z`).getTime() - before)).toBeLessThan(60_000);
    for (const m of smtp.messages)
      expect(`${m.subject ?? ''} ${m.text ?? ''}`).not.toContain(issued.body.response);
    const copy = await smtp.waitFor(
      (m) => recipients(m).includes(SECURITY) && (m.subject ?? '').includes(f.username),
    );
    expect(copy.text).toContain(email());
    await f.operator.post(pathTo(api.offlineUnblocks.outcome, { id: session.body.id }), {
      result: 'unblocked',
    });
  });

  it('tells the cardholder of an online unlock and of changed answers', async () => {
    const session = await server.api.post<{ id: string; questions: { id: string }[] }>(
      pathTo(api.onlineUnlock.start),
      {
        cardSerial: f.serial,
      },
    );
    const issued = await server.api.post<{ response: string }>(
      pathTo(api.onlineUnlock.response, { id: session.body.id }),
      {
        answers: answersFor(f, session.body.questions),
        challenge: '0011223344556677',
      },
    );
    expect(issued.status).toBe(200);
    const mail = await smtp.waitFor(
      (m) => recipients(m).includes(email()) && (m.text ?? '').includes('by online unlock'),
    );
    expect(mail.text).toContain(f.serial);
    expect(mail.text).not.toContain(issued.body.response);

    await f.cardholder.put(pathTo(api.securityQuestions.setMyAnswers), {
      answers: f.questionIds.slice(0, 3).map((questionId, i) => ({ questionId, answer: `new answer ${i}` })),
    });
    const changed = await smtp.waitFor(
      (m) => recipients(m).includes(email()) && m.subject === 'Your security questions were changed',
    );
    expect(changed.text).not.toContain('new answer');
  });
});

forEachDatabase('email notifications when the SMTP server is down', (kind) => {
  let server: TestServer;
  let f: SecurityFixture;
  let port: number;
  beforeAll(async () => {
    port = await freePort();
    server = await startTestServer(kind, {
      config: {
        smtp: {
          url: `smtp://127.0.0.1:${port}`,
          from: 'cardwarden@example.org',
          caFile: undefined,
          securityMailbox: undefined,
        },
      },
    });
    f = await createSecurityFixture(server.api);
  });
  afterAll(async () => {
    await server.close();
  });

  it('still issues the response and keeps the message queued for a later try', async () => {
    const session = await f.operator.post<{ id: string }>(
      pathTo(api.offlineUnblocks.start, { id: f.cardId }),
      {},
    );
    const issued = await f.operator.post(pathTo(api.offlineUnblocks.response, { id: session.body.id }), {
      challenge: '0557897F8D84407B',
    });
    expect(issued.status).toBe(200);
    const db = server.server.ctx.db;
    let row: { status: string; attempts: number } | undefined;
    for (let i = 0; i < 100; i++) {
      [row] = await db
        .select({ status: notifications.status, attempts: notifications.attempts })
        .from(notifications)
        .where(sql`${notifications.subject} like ${'%was unblocked'}`);
      if (row && row.attempts > 0) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(row).toMatchObject({ status: 'pending' });
    expect(row?.attempts).toBeGreaterThanOrEqual(1);
  });
});

describe('email notifications over TLS with a custom CA', () => {
  let smtp: SmtpSink;
  let server: TestServer;
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cardwarden-tls-'));
    const { keyFile, certificateFile } = makeSelfSignedCertificate(dir);
    smtp = await startSmtpSink({
      key: readFileSync(keyFile),
      cert: readFileSync(certificateFile),
    });
    server = await startTestServer('pglite', {
      config: {
        smtp: {
          url: smtp.url,
          from: 'cardwarden@example.org',
          caFile: certificateFile,
          securityMailbox: undefined,
        },
      },
    });
  });
  afterAll(async () => {
    await server.close();
    await smtp.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('delivers to a server whose certificate the configured CA signed', async () => {
    const f = await createSecurityFixture(server.api);
    const session = await f.operator.post<{ id: string }>(
      pathTo(api.offlineUnblocks.start, { id: f.cardId }),
      {},
    );
    await f.operator.post(pathTo(api.offlineUnblocks.response, { id: session.body.id }), {
      challenge: '0557897F8D84407B',
    });
    const mail = await smtp.waitFor((m) => m.subject === `Your smart card ${f.serial} was unblocked`);
    expect(recipients(mail)).toEqual([`${f.username}@example.org`]);
  });
});
