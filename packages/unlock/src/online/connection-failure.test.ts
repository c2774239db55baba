import { describe, expect, it } from 'vitest';
import { EXIT } from '../exit-codes.js';
import { connectionFailure } from './connection-failure.js';

const SERVER = new URL('https://unlock.example.org:8443/');
const failing = (code: string) => connectionFailure(Object.assign(new Error(code), { code }), SERVER);

describe('connectionFailure', () => {
  it('points at --ca-file when the certificate is not signed by a trusted CA', () => {
    for (const code of [
      'DEPTH_ZERO_SELF_SIGNED_CERT',
      'SELF_SIGNED_CERT_IN_CHAIN',
      'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
    ]) {
      const failure = failing(code);
      expect(failure.code).toBe('server.tls');
      expect(failure.message).toMatch(/--ca-file FILE/);
      expect(failure.exitCode).toBe(EXIT.SERVER_PROBLEM);
    }
  });

  it('names other TLS failures', () => {
    expect(failing('ERR_TLS_CERT_ALTNAME_INVALID').message).toMatch(/for another name/);
    expect(failing('CERT_HAS_EXPIRED').message).toMatch(/expired/);
    expect(failing('ERR_SSL_WRONG_VERSION_NUMBER')).toMatchObject({
      code: 'server.tls',
      message: expect.stringMatching(/is it an https server/),
    });
  });

  it('says the server cannot be reached, and that the card is unchanged', () => {
    expect(failing('ECONNREFUSED')).toMatchObject({
      code: 'server.unreachable',
      message: expect.stringMatching(
        /^nothing answers at https:\/\/unlock\.example\.org:8443 .*nothing was changed on the card$/,
      ),
    });
    expect(failing('ENOTFOUND').message).toMatch(/cannot find the host unlock\.example\.org/);
    expect(failing('ETIMEDOUT').message).toMatch(/did not answer in time/);
    expect(failing('EHOSTUNREACH').message).toMatch(/cannot reach .*EHOSTUNREACH/);
    expect(connectionFailure(new Error('socket hang up'), SERVER).message).toMatch(/socket hang up/);
  });
});
