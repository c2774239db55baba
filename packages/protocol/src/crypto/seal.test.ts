import { describe, expect, it } from 'vitest';
import { toHex } from '../hex.js';
import { SealError, envelopeKekId, generateKek, kekCheckValue, kekId, open, seal } from './seal.js';

describe('seal / open', () => {
  const kek = generateKek();
  const secret = Uint8Array.from({ length: 24 }, (_, i) => i + 1);

  it('round-trips and never shows the plaintext in the envelope', () => {
    const envelope = seal(kek, secret, 'admin-key:card-1');
    expect(envelope.startsWith(`cw1.${kekId(kek)}.`)).toBe(true);
    expect(envelope.toUpperCase()).not.toContain(toHex(secret));
    expect(Buffer.from(envelope.split('.')[3] ?? '', 'base64url').toString('hex')).not.toContain(
      toHex(secret).toLowerCase(),
    );
    expect(toHex(open(kek, envelope, 'admin-key:card-1'))).toBe(toHex(secret));
    expect(envelopeKekId(envelope)).toBe(kekId(kek));
  });

  it('uses a fresh IV each time', () => {
    expect(seal(kek, secret, 'x')).not.toBe(seal(kek, secret, 'x'));
  });

  it('refuses another owner, another KEK, and tampering', () => {
    const envelope = seal(kek, secret, 'admin-key:card-1');
    expect(() => open(kek, envelope, 'admin-key:card-2')).toThrow(SealError);
    expect(() => open(generateKek(), envelope, 'admin-key:card-1')).toThrow(/sealed under KEK/);
    const parts = envelope.split('.');
    const body = Buffer.from(parts[3] ?? '', 'base64url');
    body[0] = (body[0] ?? 0) ^ 1;
    parts[3] = body.toString('base64url');
    expect(() => open(kek, parts.join('.'), 'admin-key:card-1')).toThrow(/failed authentication/);
    expect(() => open(kek, 'garbage', 'admin-key:card-1')).toThrow(/not a cardwarden/);
  });

  it('identifies a KEK by a check value that does not reveal it', () => {
    const other = generateKek();
    expect(kekCheckValue(kek)).toMatch(/^[0-9a-f]{64}$/);
    expect(kekCheckValue(kek)).not.toBe(kekCheckValue(other));
    expect(kekCheckValue(kek)).not.toContain(toHex(kek).toLowerCase());
  });
});
