/**
 * Self-signed certificates made for one test run with openssl, for the suites that need real TLS or a real
 * signature (an SMTP sink, slapd, an HTTPS proxy, Authenticode signing): one place that knows the openssl
 * call, each suite saying only the name and the extension its peer checks.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

export interface SelfSignedOptions {
  /** The subject, `/CN=127.0.0.1` unless given. */
  readonly subject?: string;
  /** One `-addext` extension, `subjectAltName=IP:127.0.0.1` unless given. */
  readonly extension?: string;
  /** An RSA 2048 key (the default) or an EC P-256 one. */
  readonly keyType?: 'rsa' | 'ec';
  readonly days?: number;
  /** Prefix of the file names in the directory (`<prefix>key.pem`, `<prefix>cert.pem`). */
  readonly prefix?: string;
}

export interface SelfSigned {
  /** The private key, unencrypted PEM. */
  readonly keyFile: string;
  /** The certificate, PEM: what a client trusts as its CA. */
  readonly certificateFile: string;
}

/** Makes a key and a self-signed certificate in `dir`; throws with openssl's words if it cannot. */
export function makeSelfSignedCertificate(dir: string, options: SelfSignedOptions = {}): SelfSigned {
  const keyFile = join(dir, `${options.prefix ?? ''}key.pem`);
  const certificateFile = join(dir, `${options.prefix ?? ''}cert.pem`);
  const key = options.keyType === 'ec' ? ['ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1'] : ['rsa:2048'];
  const made = spawnSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      ...key,
      '-nodes',
      '-days',
      String(options.days ?? 1),
      '-subj',
      options.subject ?? '/CN=127.0.0.1',
      '-addext',
      options.extension ?? 'subjectAltName=IP:127.0.0.1',
      '-keyout',
      keyFile,
      '-out',
      certificateFile,
    ],
    { encoding: 'utf8' },
  );
  if (made.status !== 0) throw new Error(`openssl could not make a certificate:\n${made.stderr}`);
  return { keyFile, certificateFile };
}
