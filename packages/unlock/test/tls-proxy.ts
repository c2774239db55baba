/**
 * An HTTPS reverse proxy in front of the test server, with a self-signed certificate made for this run, so
 * that `online --ca-file` is tested over real TLS (as behind a site's reverse proxy).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { createServer, type Server } from 'node:https';
import { join } from 'node:path';

export interface TlsProxy {
  /** https://127.0.0.1:PORT (the certificate names 127.0.0.1 and localhost) */
  readonly url: string;
  /** The certificate (PEM file) to pass with --ca-file. */
  readonly certificateFile: string;
  close(): Promise<void>;
}

/** A key and a self-signed certificate for localhost and 127.0.0.1, valid for a day. */
function makeCertificate(dir: string): { keyFile: string; certificateFile: string } {
  const keyFile = join(dir, 'proxy-key.pem');
  const certificateFile = join(dir, 'proxy-cert.pem');
  const made = spawnSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=localhost',
      '-addext',
      'subjectAltName=DNS:localhost,IP:127.0.0.1',
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

/** Starts the proxy to `target` (http://127.0.0.1:PORT) with a certificate made in `dir`. */
export async function startTlsProxy(target: string, dir: string): Promise<TlsProxy> {
  const { keyFile, certificateFile } = makeCertificate(dir);
  const upstream = new URL(target);
  const server: Server = createServer(
    { key: readFileSync(keyFile), cert: readFileSync(certificateFile) },
    (request, response) => {
      const forwarded = httpRequest(
        {
          host: upstream.hostname,
          port: upstream.port,
          path: request.url,
          method: request.method,
          headers: request.headers,
        },
        (answer) => {
          response.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(response);
        },
      );
      forwarded.on('error', () => response.destroy());
      request.pipe(forwarded);
    },
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `https://127.0.0.1:${port}`,
    certificateFile,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          resolve();
        });
      }),
  };
}
