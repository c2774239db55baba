/**
 * ISO/IEC 7816-4 §5.1 command APDUs, short form only (Lc and Le of one byte): every command the
 * unblock protocols use fits, and the vpcd and PC/SC paths here never need extended length.
 */

/** A decoded command APDU. `le` is the expected response length (256 for an Le byte of 00), or absent. */
export interface CommandApdu {
  readonly cla: number;
  readonly ins: number;
  readonly p1: number;
  readonly p2: number;
  readonly data: Uint8Array;
  readonly le?: number;
}

/** A command APDU that does not follow ISO 7816-4's short-length cases. */
export class ApduFormatError extends Error {
  override readonly name = 'ApduFormatError';
}

function checkByte(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 0 || value > 0xff) {
    throw new RangeError(`${name} must be a byte, got ${value}`);
  }
}

/**
 * Encodes a short command APDU (cases 1 to 4).
 * @example encodeCommandApdu({ cla: 0, ins: 0x20, p1: 0, p2: 0x82, data: new Uint8Array() }) // 00 20 00 82
 */
export function encodeCommandApdu(command: CommandApdu): Uint8Array {
  const { cla, ins, p1, p2, data, le } = command;
  checkByte('CLA', cla);
  checkByte('INS', ins);
  checkByte('P1', p1);
  checkByte('P2', p2);
  if (data.length > 255) throw new RangeError(`command data is ${data.length} bytes, short APDUs carry 255`);
  if (le !== undefined && (!Number.isInteger(le) || le < 1 || le > 256)) {
    throw new RangeError(`Le must be 1 to 256, got ${le}`);
  }
  const header = [cla, ins, p1, p2];
  const body = data.length > 0 ? [data.length, ...data] : [];
  const trailer = le === undefined ? [] : [le & 0xff];
  return Uint8Array.from([...header, ...body, ...trailer]);
}

/**
 * Decodes a short command APDU. Per ISO 7816-4 §5.1: 4 bytes is case 1, 5 bytes case 2 (the fifth byte is
 * Le), otherwise the fifth byte is Lc and one more byte after the data is Le.
 * @throws ApduFormatError when the lengths do not add up, or for an extended-length APDU.
 */
export function parseCommandApdu(bytes: Uint8Array): CommandApdu {
  if (bytes.length < 4)
    throw new ApduFormatError(`command APDU was ${bytes.length} bytes, at least 4 expected`);
  const [cla = 0, ins = 0, p1 = 0, p2 = 0] = bytes;
  const head = { cla, ins, p1, p2 };
  if (bytes.length === 4) return { ...head, data: new Uint8Array() };
  const b4 = bytes[4] ?? 0;
  if (bytes.length === 5) return { ...head, data: new Uint8Array(), le: b4 === 0 ? 256 : b4 };
  if (b4 === 0) throw new ApduFormatError('extended-length command APDUs are not supported');
  const data = bytes.slice(5, 5 + b4);
  if (bytes.length === 5 + b4) return { ...head, data };
  if (bytes.length === 6 + b4) {
    const le = bytes[5 + b4] ?? 0;
    return { ...head, data, le: le === 0 ? 256 : le };
  }
  throw new ApduFormatError(`command APDU of ${bytes.length} bytes does not match Lc = ${b4}`);
}
