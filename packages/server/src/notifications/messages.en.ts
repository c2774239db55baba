/**
 * Email texts (English). Each names what happened, to which card, when and how, so a cardholder who did
 * not ask for it can react; none ever carries a response, a key or an answer.
 */
export interface EmailMessage {
  readonly subject: string;
  readonly text: string;
}

export type UnblockChannel = 'help desk' | 'self-service' | 'online unlock';

const NOT_YOU =
  'If you did not ask for this, call your help desk or security team now: someone may be trying to use your card.';

function when(at: Date): string {
  return at
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, ' UTC');
}

export const messages = {
  responseIssued(vars: {
    displayName: string;
    serial: string;
    at: Date;
    channel: UnblockChannel;
    operator?: string;
  }): EmailMessage {
    const how =
      vars.channel === 'help desk'
        ? `by the help desk (operator ${vars.operator ?? 'unknown'})`
        : vars.channel === 'self-service'
          ? 'in self-service'
          : 'by online unlock with your security questions';
    return {
      subject: `Your smart card ${vars.serial} was unblocked`,
      text: [
        `Hello ${vars.displayName},`,
        '',
        `an unblock code for your smart card ${vars.serial} was issued ${how} at ${when(vars.at)}.`,
        '',
        NOT_YOU,
        '',
        '— Cardwarden',
      ].join('\n'),
    };
  },
  onlineUnlockLocked(vars: { displayName: string; serial: string; at: Date; until: Date }): EmailMessage {
    return {
      subject: `Online unlock of your smart card ${vars.serial} was locked`,
      text: [
        `Hello ${vars.displayName},`,
        '',
        `too many wrong answers to your security questions were given to unlock your smart card ${vars.serial} online, ` +
          `so online unlock is locked for you from ${when(vars.at)} until ${when(vars.until)}. ` +
          'The help desk can still unblock your card after checking who you are.',
        '',
        NOT_YOU,
        '',
        '— Cardwarden',
      ].join('\n'),
    };
  },
  securityAnswersChanged(vars: { displayName: string; at: Date }): EmailMessage {
    return {
      subject: 'Your security questions were changed',
      text: [
        `Hello ${vars.displayName},`,
        '',
        `the answers to your security questions were changed at ${when(vars.at)}. They are used to unlock your smart card.`,
        '',
        NOT_YOU,
        '',
        '— Cardwarden',
      ].join('\n'),
    };
  },
} as const;

/** The copy for the security mailbox names the cardholder, since the mailbox receives everyone's. */
export function securityCopy(
  message: EmailMessage,
  cardholder: { username: string; email: string },
): EmailMessage {
  return {
    subject: `[Cardwarden] ${cardholder.username}: ${message.subject}`,
    text: `Copy of a notice sent to ${cardholder.username} <${cardholder.email}>:\n\n${message.text}`,
  };
}
