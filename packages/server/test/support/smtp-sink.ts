/** A real SMTP server inside the test process (smtp-server), collecting what it receives. */
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { freePort } from '@cardwarden/integration-tests/free-port';

export interface SmtpSink {
  readonly url: string;
  readonly messages: ParsedMail[];
  /** Waits until a message matching `predicate` has arrived. */
  waitFor(predicate: (mail: ParsedMail) => boolean, timeoutMs?: number): Promise<ParsedMail>;
  close(): Promise<void>;
}

/** With `tls`, an implicit-TLS (smtps://) server with that key and certificate. */
export async function startSmtpSink(tls?: { key: Buffer; cert: Buffer }): Promise<SmtpSink> {
  const messages: ParsedMail[] = [];
  const server = new SMTPServer({
    // smtp-server's built-in certificate has expired: plain SMTP, or TLS with a certificate made per run.
    ...(tls ? { secure: true, key: tls.key, cert: tls.cert } : {}),
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, _session, callback) {
      simpleParser(stream)
        .then((mail) => {
          messages.push(mail);
          callback();
        })
        .catch((error: unknown) => {
          callback(error instanceof Error ? error : new Error(String(error)));
        });
    },
  });
  server.on('error', () => undefined);
  const port = await freePort();
  await new Promise<void>((resolve) => {
    server.listen(port, '127.0.0.1', () => {
      resolve();
    });
  });
  return {
    url: `${tls ? 'smtps' : 'smtp'}://127.0.0.1:${port}`,
    messages,
    async waitFor(predicate, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = messages.find(predicate);
        if (found) return found;
        if (Date.now() > deadline)
          throw new Error(`no such email arrived; got: ${messages.map((m) => m.subject ?? '').join(' | ')}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    close: () =>
      new Promise((resolve) => {
        server.close(() => {
          resolve();
        });
      }),
  };
}

/** The plain-text recipients of a parsed message. */
export function recipients(mail: ParsedMail): string[] {
  const to = mail.to;
  const list = Array.isArray(to) ? to : to ? [to] : [];
  return list.flatMap((address) => address.value.map((v) => v.address ?? ''));
}
