import { describe, expect, it } from 'vitest';
import type { CardTransport } from './card-transport.js';
import { fromHex, toHex } from '../hex.js';
import { exchangeApdu } from './exchange.js';

/** A card that answers from a script: command (hex) → answer (hex), recording what it was sent. */
function scripted(answers: Record<string, string>): CardTransport & { sent: string[] } {
  const sent: string[] = [];
  return {
    sent,
    transmit(apdu) {
      const command = toHex(apdu);
      sent.push(command);
      const answer = answers[command];
      if (answer === undefined) throw new Error(`unexpected ${command}`);
      return Promise.resolve(fromHex(answer));
    },
  };
}

describe('exchangeApdu', () => {
  it('passes direct answers through', async () => {
    const card = scripted({ '00CB3FFF00': '0102039000' });
    expect(await exchangeApdu(card, fromHex('00CB3FFF00'))).toEqual({ data: fromHex('010203'), sw: 0x9000 });
  });

  it('fetches 61xx data with GET RESPONSE until the card has no more', async () => {
    const card = scripted({ '00A4040002A000': '6104', '00C0000004': '01026102', '00C0000002': '03049000' });
    const answer = await exchangeApdu(card, fromHex('00A4040002A000'));
    expect(toHex(answer.data)).toBe('01020304');
    expect(answer.sw).toBe(0x9000);
  });

  it('sends the command again with the Le a 6Cxx names, then follows 61xx', async () => {
    const card = scripted({ '00FD000002': '6C03', '00FD000003': '6103', '00C0000003': '0502079000' });
    const answer = await exchangeApdu(card, fromHex('00FD000002'));
    expect(toHex(answer.data)).toBe('050207');
    expect(card.sent).toEqual(['00FD000002', '00FD000003', '00C0000003']);
  });

  it('keeps a refusal as it is', async () => {
    const card = scripted({ '0020008000': '63C2' });
    expect(await exchangeApdu(card, fromHex('0020008000'))).toEqual({ data: new Uint8Array(), sw: 0x63c2 });
  });
});
