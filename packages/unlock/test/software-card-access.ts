/** `CardAccess` over in-memory software cards, so the commands are tested without PC/SC. */
import { SoftwareCardTransport, type SoftwareCard } from '@cardwarden/card-sim';
import type { CardAccess, ConnectedCard, ReaderInfo } from '../src/card-access.js';
import type { LineInput } from '../src/io/line-input.js';

export class SoftwareCardAccess implements CardAccess {
  readonly transports = new Map<string, SoftwareCardTransport>();

  constructor(readers: Record<string, SoftwareCard | null>) {
    for (const [name, card] of Object.entries(readers))
      if (card) this.transports.set(name, new SoftwareCardTransport(card));
    this.names = Object.keys(readers);
  }

  private readonly names: string[];

  listReaders(): Promise<ReaderInfo[]> {
    return Promise.resolve(this.names.map((name) => ({ name, cardPresent: this.transports.has(name) })));
  }

  connect(readerName: string): Promise<ConnectedCard> {
    const transport = this.transports.get(readerName)!;
    return Promise.resolve({ transport, disconnect: () => Promise.resolve() });
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

/** Input whose lines are computed when asked for, from what the tool printed so far. */
export function scriptedInput(
  lines: ((printed: string) => string | undefined)[],
  printed: () => string,
): LineInput {
  return {
    next() {
      const line = lines.shift();
      return Promise.resolve(line ? line(printed()) : undefined);
    },
    close() {
      /* nothing to close */
    },
  };
}

/** A writable stream that keeps what is written. */
export function collector(): NodeJS.WritableStream & { text: () => string } {
  let text = '';
  const stream = {
    write(chunk: string | Uint8Array) {
      text += typeof chunk === 'string' ? chunk : new TextDecoder().decode(chunk);
      return true;
    },
    text: () => text,
  };
  return stream as unknown as NodeJS.WritableStream & { text: () => string };
}
