/**
 * The GIDS "masterfile" (file A000, DO DF1F), which maps minidriver file names to GIDS files and data
 * objects. Its format is undocumented; this follows what OpenSC's card-gids.c reads and gids-tool writes:
 * a version byte 01, then 28-byte records { directory char[9], name char[9], 2 alignment bytes,
 * DO id uint32 LE, file id uint32 LE } (the layout of a C struct on x86).
 */

/** One masterfile record. */
export interface GidsMasterfileRecord {
  readonly directory: string;
  readonly name: string;
  readonly dataObject: number;
  readonly file: number;
}

const RECORD_BYTES = 28;
const NAME_BYTES = 9;

/** Masterfile location, and the records gids-tool --initialize writes (reference §2.7). */
export const GIDS_MASTERFILE = { file: 0xa000, dataObject: 0xdf1f } as const;
export const GIDS_INITIAL_MASTERFILE: readonly GidsMasterfileRecord[] = [
  { directory: 'mscp', name: '', dataObject: 0x0000, file: 0xa000 },
  { directory: '', name: 'cardid', dataObject: 0xdf20, file: 0xa012 },
  { directory: '', name: 'cardapps', dataObject: 0xdf21, file: 0xa010 },
  { directory: '', name: 'cardcf', dataObject: 0xdf22, file: 0xa010 },
  { directory: 'mscp', name: 'cmapfile', dataObject: 0xdf23, file: 0xa010 },
];

function writeName(out: Uint8Array, offset: number, text: string): void {
  if (text.length > NAME_BYTES - 1)
    throw new RangeError(`masterfile name "${text}" is longer than 8 characters`);
  for (let i = 0; i < text.length; i++) out[offset + i] = text.charCodeAt(i) & 0x7f;
}

function readName(bytes: Uint8Array, offset: number): string {
  let text = '';
  for (let i = 0; i < NAME_BYTES; i++) {
    const byte = bytes[offset + i] ?? 0;
    if (byte === 0) break;
    text += String.fromCharCode(byte);
  }
  return text;
}

/** Encodes masterfile records. */
export function encodeGidsMasterfile(records: readonly GidsMasterfileRecord[]): Uint8Array {
  const out = new Uint8Array(1 + records.length * RECORD_BYTES);
  out[0] = 1;
  const view = new DataView(out.buffer);
  records.forEach((record, index) => {
    const at = 1 + index * RECORD_BYTES;
    writeName(out, at, record.directory);
    writeName(out, at + NAME_BYTES, record.name);
    view.setUint32(at + 20, record.dataObject, true);
    view.setUint32(at + 24, record.file, true);
  });
  return out;
}

/**
 * Decodes a masterfile.
 * @throws RangeError when the version byte is not 01.
 */
export function parseGidsMasterfile(bytes: Uint8Array): GidsMasterfileRecord[] {
  if (bytes[0] !== 1) throw new RangeError('GIDS masterfile does not start with version 01');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const records: GidsMasterfileRecord[] = [];
  for (let at = 1; at + RECORD_BYTES <= bytes.length; at += RECORD_BYTES) {
    records.push({
      directory: readName(bytes, at),
      name: readName(bytes, at + NAME_BYTES),
      dataObject: view.getUint32(at + 20, true),
      file: view.getUint32(at + 24, true),
    });
  }
  return records;
}
