/**
 * vpcd's wire format (vsmartcard `vpcd.c`; reference §5.3): each message is a 2-byte big-endian length and
 * the payload. One-byte payloads from vpcd are control codes; longer ones are command APDUs.
 */

/** vpcd control codes. */
export const VPCD_CONTROL = { POWER_OFF: 0x00, POWER_ON: 0x01, RESET: 0x02, GET_ATR: 0x04 } as const;

/** Frames `payload` with its length. */
export function encodeVpcdFrame(payload: Uint8Array): Uint8Array {
  if (payload.length > 0xffff)
    throw new RangeError(`vpcd frames carry at most 65535 bytes, got ${payload.length}`);
  const out = new Uint8Array(payload.length + 2);
  out[0] = payload.length >> 8;
  out[1] = payload.length & 0xff;
  out.set(payload, 2);
  return out;
}

/** Splits a TCP byte stream into vpcd frames, whatever the segment boundaries. */
export class VpcdFrameDecoder {
  private pending = new Uint8Array();

  /** Adds received bytes; returns every frame now complete, in order. */
  push(chunk: Uint8Array): Uint8Array[] {
    const joined = new Uint8Array(this.pending.length + chunk.length);
    joined.set(this.pending);
    joined.set(chunk, this.pending.length);
    const frames: Uint8Array[] = [];
    let at = 0;
    while (joined.length - at >= 2) {
      const length = ((joined[at] ?? 0) << 8) | (joined[at + 1] ?? 0);
      if (joined.length - at - 2 < length) break;
      frames.push(joined.slice(at + 2, at + 2 + length));
      at += 2 + length;
    }
    this.pending = joined.slice(at);
    return frames;
  }
}
