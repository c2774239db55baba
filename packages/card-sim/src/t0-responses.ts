/**
 * `--t0`: makes a software card answer as a card behind a T=0 reader does (ISO 7816-4 §5.3.4), so that
 * the tools' handling of it is tested: a command that returns data gets `61 xx` and the data waits for
 * GET RESPONSE (`00 C0 00 00 xx`); a command without data whose Le is not the answer's length gets
 * `6C xx` (send it again with Le = xx). The wrapped card sees only the commands it knows.
 */
import { parseCommandApdu, parseResponseApdu, SW } from '@cardwarden/protocol/apdu';
import { reply } from './apdu-dispatch.js';
import type { SoftwareCard } from './software-card.js';

const GET_RESPONSE = 0xc0;
/** No more waiting bytes: GET RESPONSE now is out of sequence. */
const NOTHING_PENDING = new Uint8Array();

export class T0Responses implements SoftwareCard {
  private pending: Uint8Array = NOTHING_PENDING;

  constructor(private readonly card: SoftwareCard) {}

  get atr(): Uint8Array {
    return this.card.atr;
  }

  reset(): void {
    this.pending = NOTHING_PENDING;
    this.card.reset();
  }

  process(bytes: Uint8Array): Uint8Array {
    let command;
    try {
      command = parseCommandApdu(bytes);
    } catch {
      return this.card.process(bytes);
    }
    if (command.cla === 0x00 && command.ins === GET_RESPONSE) return this.getResponse(command.le ?? 256);
    // Any other command drops what was waiting, as a T=0 card does.
    this.pending = NOTHING_PENDING;
    const answer = parseResponseApdu(this.card.process(bytes));
    if (answer.sw !== SW.OK || answer.data.length === 0) return reply(answer.sw, answer.data);
    const length = answer.data.length;
    // Case 2 (no command data) with an Le that does not fit: the card names the right one.
    if (
      command.data.length === 0 &&
      command.le !== undefined &&
      command.le !== 256 &&
      command.le !== length
    ) {
      return reply(0x6c00 | (length & 0xff));
    }
    this.pending = answer.data;
    return reply(0x6100 | (Math.min(length, 256) & 0xff));
  }

  private getResponse(le: number): Uint8Array {
    if (this.pending.length === 0) return reply(SW.CONDITIONS_NOT_SATISFIED);
    const part = this.pending.subarray(0, le);
    this.pending = this.pending.subarray(part.length);
    const left = this.pending.length;
    return reply(left === 0 ? SW.OK : 0x6100 | (Math.min(left, 256) & 0xff), part);
  }
}
