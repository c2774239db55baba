/**
 * Sealing secrets under a key-encryption key (KEK): AES-256-GCM with a versioned envelope and the
 * owner's identity bound as associated data, so a sealed key copied to another card's row fails to open.
 *
 * Envelope v1: `cw1.<kekId>.<iv>.<ciphertext‖tag>`, base64url parts; `kekId` names the KEK that sealed it.
 */
import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';

const ENVELOPE_VERSION = 'cw1';
const IV_BYTES = 12;
const TAG_BYTES = 16;
export const KEK_BYTES = 32;

export class SealError extends Error {
  override readonly name = 'SealError';
}

function assertKek(kek: Uint8Array): void {
  if (kek.length !== KEK_BYTES) throw new SealError(`KEK must be ${KEK_BYTES} bytes, got ${kek.length}`);
}

/** A check value that identifies a KEK without revealing it: HMAC-SHA256(KEK, label), hex. */
export function kekCheckValue(kek: Uint8Array): string {
  assertKek(kek);
  return createHmac('sha256', kek).update('cardwarden kek check v1').digest('hex');
}

/** Short identifier of a KEK, written into each envelope it seals. */
export function kekId(kek: Uint8Array): string {
  return kekCheckValue(kek).slice(0, 8);
}

/** A fresh random KEK. */
export function generateKek(): Uint8Array {
  return new Uint8Array(randomBytes(KEK_BYTES));
}

/** Seals `plaintext` under `kek`, binding `associatedData` (for example `admin-key:<cardId>`). */
export function seal(kek: Uint8Array, plaintext: Uint8Array, associatedData: string): string {
  assertKek(kek);
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', kek, iv);
  cipher.setAAD(Buffer.from(associatedData, 'utf8'));
  const body = Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
  return [ENVELOPE_VERSION, kekId(kek), iv.toString('base64url'), body.toString('base64url')].join('.');
}

/** The KEK id an envelope names, or undefined when it is not a v1 envelope. */
export function envelopeKekId(envelope: string): string | undefined {
  const parts = envelope.split('.');
  return parts.length === 4 && parts[0] === ENVELOPE_VERSION ? parts[1] : undefined;
}

/**
 * Opens an envelope made by {@link seal}.
 * @throws SealError when the envelope is malformed, was sealed under another KEK, or was tampered with.
 */
export function open(kek: Uint8Array, envelope: string, associatedData: string): Uint8Array {
  assertKek(kek);
  const [version, id, ivText, bodyText, ...rest] = envelope.split('.');
  if (version !== ENVELOPE_VERSION || ivText === undefined || bodyText === undefined || rest.length > 0) {
    throw new SealError('not a cardwarden v1 sealed envelope');
  }
  if (id !== kekId(kek)) throw new SealError(`envelope was sealed under KEK ${id}, not ${kekId(kek)}`);
  const iv = Buffer.from(ivText, 'base64url');
  const body = Buffer.from(bodyText, 'base64url');
  if (iv.length !== IV_BYTES || body.length < TAG_BYTES) throw new SealError('sealed envelope is truncated');
  const decipher = createDecipheriv('aes-256-gcm', kek, iv);
  decipher.setAAD(Buffer.from(associatedData, 'utf8'));
  decipher.setAuthTag(body.subarray(body.length - TAG_BYTES));
  try {
    return new Uint8Array(
      Buffer.concat([decipher.update(body.subarray(0, body.length - TAG_BYTES)), decipher.final()]),
    );
  } catch {
    throw new SealError('sealed envelope failed authentication (wrong KEK, wrong owner, or tampered)');
  }
}

/** Random bytes for an IV or nonce made outside this module (an HSM's GCM IV, for one). */
export function randomNonce(bytes = IV_BYTES): Uint8Array {
  return new Uint8Array(randomBytes(bytes));
}

/** Builds a v1 envelope from parts sealed elsewhere (an HSM): same format as {@link seal}. */
export function formatEnvelope(kekIdText: string, iv: Uint8Array, body: Uint8Array): string {
  return [
    ENVELOPE_VERSION,
    kekIdText,
    Buffer.from(iv).toString('base64url'),
    Buffer.from(body).toString('base64url'),
  ].join('.');
}

/**
 * Splits a v1 envelope into its parts, for an HSM that opens it.
 * @throws SealError when it is not one.
 */
export function parseEnvelope(envelope: string): { kekId: string; iv: Uint8Array; body: Uint8Array } {
  const [version, id, ivText, bodyText, ...rest] = envelope.split('.');
  if (
    version !== ENVELOPE_VERSION ||
    id === undefined ||
    ivText === undefined ||
    bodyText === undefined ||
    rest.length > 0
  ) {
    throw new SealError('not a cardwarden v1 sealed envelope');
  }
  const iv = Buffer.from(ivText, 'base64url');
  const body = Buffer.from(bodyText, 'base64url');
  if (iv.length !== IV_BYTES || body.length < TAG_BYTES) throw new SealError('sealed envelope is truncated');
  return { kekId: id, iv: new Uint8Array(iv), body: new Uint8Array(body) };
}
