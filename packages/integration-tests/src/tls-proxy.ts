/**
 * An HTTPS reverse proxy in front of the test server, with a self-signed certificate made for this run, so
 * that `online --ca-file` is tested over real TLS (as behind a site's reverse proxy).
 */
import { makeSelfSignedCertificate } from './certificates.js';
import { readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { createServer, type Server } from 'node:https';

export interface TlsProxy {
  /** https://127.0.0.1:PORT (the certificate names 127.0.0.1 and localhost) */
  readonly url: string;
  /** The certificate (PEM file) to pass with --ca-file. */
  readonly certificateFile: string;
  close(): Promise<void>;
}

/** Starts the proxy to `target` (http://127.0.0.1:PORT) with a certificate made in `dir`. */
export async function startTlsProxy(target: string, dir: string): Promise<TlsProxy> {
  const { keyFile, certificateFile } = makeSelfSignedCertificate(dir, {
    subject: '/CN=localhost',
    extension: 'subjectAltName=DNS:localhost,IP:127.0.0.1',
    keyType: 'ec',
    prefix: 'proxy-',
  });
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
