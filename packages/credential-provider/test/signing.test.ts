/**
 * Authenticode signing as docs/windows-credential-provider.md describes it: a test code-signing certificate
 * (made here with openssl) signs the DLL and the MSI with osslsigncode, and osslsigncode verifies both against
 * that certificate. Real releases use the organisation's code-signing certificate the same way.
 */
import { describeWith } from '@cardwarden/integration-tests/system-parts';
import { makeSelfSignedCertificate } from '@cardwarden/integration-tests/certificates';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildWindowsParts, DIST } from './build-parts.js';

describeWith(['wine'], 'Authenticode signing of the DLL and the MSI', () => {
  let dir: string;
  let keyFile: string;
  let certificateFile: string;

  beforeAll(() => {
    buildWindowsParts();
    dir = mkdtempSync(join(tmpdir(), 'cw-sign-'));
    ({ keyFile, certificateFile } = makeSelfSignedCertificate(dir, {
      subject: '/CN=Cardwarden Test Code Signing',
      extension: 'extendedKeyUsage=codeSigning',
      days: 2,
    }));
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  const verify = (file: string) =>
    spawnSync('osslsigncode', ['verify', '-CAfile', certificateFile, '-in', file], {
      encoding: 'utf8',
    });

  for (const name of ['cardwarden-cp.dll', 'cardwarden-credential-provider.msi']) {
    it(`signs and verifies ${name}`, () => {
      const signed = join(dir, `signed-${name}`);
      execFileSync(
        'osslsigncode',
        [
          'sign',
          '-certs',
          certificateFile,
          '-key',
          keyFile,
          '-h',
          'sha256',
          '-n',
          'Cardwarden Credential Provider',
          '-in',
          join(DIST, name),
          '-out',
          signed,
        ],
        { stdio: 'ignore' },
      );
      const result = verify(signed);
      expect(result.stdout).toMatch(/Signature verification: ok/);
      expect(result.status).toBe(0);
      // The build's own output is unsigned: verification must fail there.
      expect(verify(join(DIST, name)).status).not.toBe(0);
    });
  }
});
