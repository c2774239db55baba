/**
 * Email notifications through an outbox: a message is written in the same transaction as what it
 * reports (so none is lost when the SMTP server is down), then delivered after the commit, and retried
 * with back-off by whichever instance gets to it first.
 */
import { readFileSync } from 'node:fs';
import nodemailer, { type Transporter } from 'nodemailer';
import type { SmtpConfig } from '../config.js';
import type { Database } from '../db/database.js';
import {
  claimDueNotifications,
  enqueueNotification,
  markFailed,
  markSent,
} from '../repositories/notification.repository.js';
import { securityCopy, type EmailMessage } from './messages.en.js';

const BATCH = 20;
const LEASE_SECONDS = 120;
// With back-off capped at an hour, 30 tries span about a day.
const MAX_ATTEMPTS = 30;
const SWEEP_MS = 15_000;

export interface NotifierLog {
  warn(message: string): void;
  error(details: object, message: string): void;
}

export interface Cardholder {
  readonly username: string;
  readonly email: string;
}

export class Notifier {
  private timer: NodeJS.Timeout | undefined;
  private delivering: Promise<void> | undefined;
  private again = false;

  private constructor(
    private readonly db: Database,
    private readonly transport: Transporter | undefined,
    private readonly smtp: SmtpConfig | undefined,
    private readonly log: NotifierLog,
  ) {}

  /** A notifier that sends through `smtp`, or, without it, one that sends nothing. */
  static create(db: Database, smtp: SmtpConfig | undefined, log: NotifierLog): Notifier {
    const transport = smtp
      ? nodemailer.createTransport({
          url: smtp.url,
          ...(smtp.caFile ? { tls: { ca: readFileSync(smtp.caFile) } } : {}),
          connectionTimeout: 10_000,
          greetingTimeout: 10_000,
        })
      : undefined;
    return new Notifier(db, transport, smtp, log);
  }

  get enabled(): boolean {
    return this.transport !== undefined;
  }

  /** Queues `message` for the cardholder (and a copy for the security mailbox), in the caller's transaction. */
  async queue(tx: Database, cardholder: Cardholder, message: EmailMessage): Promise<void> {
    if (!this.smtp) return;
    await enqueueNotification(tx, { recipient: cardholder.email, ...toRow(message) });
    if (this.smtp.securityMailbox) {
      await enqueueNotification(tx, {
        recipient: this.smtp.securityMailbox,
        ...toRow(securityCopy(message, cardholder)),
      });
    }
  }

  /** Delivers what is due now, soon; call after the transaction that queued messages has committed. */
  kick(): void {
    if (!this.transport) return;
    if (this.delivering) {
      this.again = true;
      return;
    }
    this.delivering = this.deliverDue()
      .catch((error: unknown) => {
        this.log.error({ err: error }, 'email delivery failed');
      })
      .finally(() => {
        this.delivering = undefined;
        if (this.again) {
          this.again = false;
          this.kick();
        }
      });
  }

  /** Retries due messages every few seconds until stopped. */
  start(): void {
    if (!this.transport || this.timer) return;
    this.timer = setInterval(() => {
      this.kick();
    }, SWEEP_MS);
    this.timer.unref();
    this.kick();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.delivering;
    this.transport?.close();
  }

  private async deliverDue(): Promise<void> {
    const transport = this.transport;
    const smtp = this.smtp;
    if (!transport || !smtp) return;
    for (;;) {
      const due = await claimDueNotifications(this.db, BATCH, LEASE_SECONDS);
      if (due.length === 0) return;
      for (const message of due) {
        try {
          await transport.sendMail({
            from: smtp.from,
            to: message.recipient,
            subject: message.subject,
            text: message.body,
          });
          await markSent(this.db, message.id);
        } catch (error) {
          const giveUp = message.attempts >= MAX_ATTEMPTS;
          const reason = error instanceof Error ? error.message : String(error);
          this.log.warn(`email to ${message.recipient} failed (try ${message.attempts}): ${reason}`);
          await markFailed(this.db, message.id, reason, Math.min(3600, 30 * 2 ** message.attempts), giveUp);
        }
      }
    }
  }
}

function toRow(message: EmailMessage): { subject: string; body: string } {
  return { subject: message.subject, body: message.text };
}
