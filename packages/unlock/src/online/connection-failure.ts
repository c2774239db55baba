/** What to tell the person when the server cannot be reached, or its TLS certificate cannot be trusted. */
import { UnlockFailure } from '../unlock-failure.js';

/** OpenSSL's verification results that mean "this certificate is not signed by a CA you trust". */
const UNTRUSTED_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'CERT_SIGNATURE_FAILURE',
]);

function codeOf(error: unknown): string {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? code : '';
}

/**
 * The failure for a request that got no HTTP answer: a TLS failure (`server.tls`) or no connection
 * (`server.unreachable`). Both leave the card as it was.
 * @param server the server's base URL, named in the message.
 */
export function connectionFailure(error: unknown, server: URL): UnlockFailure {
  const code = codeOf(error);
  const host = server.host;
  const unchanged = 'nothing was changed on the card';
  if (UNTRUSTED_CODES.has(code)) {
    return new UnlockFailure(
      'server.tls',
      `cannot trust the TLS certificate of ${host} (${code}); if your organisation has its own certificate authority, pass its certificate with --ca-file FILE; ${unchanged}`,
    );
  }
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
    return new UnlockFailure(
      'server.tls',
      `the TLS certificate of ${host} is for another name; check the --server address; ${unchanged}`,
    );
  }
  if (code === 'CERT_HAS_EXPIRED' || code === 'CERT_NOT_YET_VALID') {
    return new UnlockFailure(
      'server.tls',
      `the TLS certificate of ${host} is ${code === 'CERT_HAS_EXPIRED' ? 'expired' : 'not valid yet'} (check this computer's clock, or tell your help desk); ${unchanged}`,
    );
  }
  if (code.startsWith('ERR_SSL_') || code.startsWith('ERR_TLS_') || code === 'EPROTO') {
    return new UnlockFailure(
      'server.tls',
      `the TLS connection to ${host} failed (${code}); is it an https server? ${unchanged}`,
    );
  }
  const reason =
    code === 'ECONNREFUSED'
      ? `nothing answers at ${server.origin} (connection refused); check --server, and that the server runs`
      : code === 'ENOTFOUND' || code === 'EAI_AGAIN'
        ? `cannot find the host ${server.hostname}; check --server and your network`
        : code === 'ETIMEDOUT'
          ? `the server at ${server.origin} did not answer in time; check your network and try again`
          : `cannot reach the server at ${server.origin} (${code || (error as Error).message}); check your network and --server`;
  return new UnlockFailure('server.unreachable', `${reason}; ${unchanged}`);
}
