/** The response computed independently of the server: E_K(challenge) with 3DES (EDE, ECB, no padding). */
import { createCipheriv } from 'node:crypto';

export function tripleDesResponse(keyHex: string, challengeHex: string): string {
  const cipher = createCipheriv('des-ede3-ecb', Buffer.from(keyHex, 'hex'), null);
  cipher.setAutoPadding(false);
  return Buffer.concat([cipher.update(Buffer.from(challengeHex, 'hex')), cipher.final()])
    .toString('hex')
    .toUpperCase();
}
