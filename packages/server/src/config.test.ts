import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

describe('loadConfig', () => {
  it('refuses a first admin password that breaks the password rules, in one line', () => {
    expect(() => loadConfig({ CARDWARDEN_ADMIN_PASSWORD: 'short' }, '/tmp')).toThrow(ConfigError);
    expect(() => loadConfig({ CARDWARDEN_ADMIN_PASSWORD: 'short' }, '/tmp')).toThrow(
      /^CARDWARDEN_ADMIN_PASSWORD does not meet the password rules \(password must be at least 12 characters\)[^\n]*$/,
    );
    expect(
      loadConfig({ CARDWARDEN_ADMIN_PASSWORD: 'a long enough password' }, '/tmp').bootstrapAdmin.password,
    ).toBe('a long enough password');
  });

  it('reads the PKCS#11 settings, and names what is missing', () => {
    expect(loadConfig({}, '/tmp').pkcs11).toBeUndefined();
    const module = '/usr/lib/softhsm/libsofthsm2.so';
    expect(() => loadConfig({ CARDWARDEN_PKCS11_MODULE: module }, '/tmp')).toThrow(
      /CARDWARDEN_PKCS11_TOKEN_LABEL/,
    );
    expect(() =>
      loadConfig({ CARDWARDEN_PKCS11_MODULE: module, CARDWARDEN_PKCS11_TOKEN_LABEL: 'cw' }, '/tmp'),
    ).toThrow(/CARDWARDEN_PKCS11_PIN_FILE/);
    expect(
      loadConfig(
        {
          CARDWARDEN_PKCS11_MODULE: module,
          CARDWARDEN_PKCS11_TOKEN_LABEL: 'cw',
          CARDWARDEN_PKCS11_PIN_FILE: 'hsm.pin',
        },
        '/srv',
      ).pkcs11,
    ).toEqual({ module, tokenLabel: 'cw', slot: undefined, pinFile: '/srv/hsm.pin' });
  });

  it('reads CARDWARDEN_TRUST_PROXY as a hop count and refuses "true"', () => {
    expect(loadConfig({ CARDWARDEN_TRUST_PROXY: '1' }, '/tmp').trustProxy).toBe(1);
    expect(loadConfig({}, '/tmp').trustProxy).toBe(false);
    expect(loadConfig({ CARDWARDEN_TRUST_PROXY: '10.0.0.0/8' }, '/tmp').trustProxy).toBe('10.0.0.0/8');
    expect(() => loadConfig({ CARDWARDEN_TRUST_PROXY: 'true' }, '/tmp')).toThrow(/number of proxies/);
  });

  it('reads CARDWARDEN_METRICS_PORT as a port, unset by default', () => {
    expect(loadConfig({}, '/tmp').metricsPort).toBeUndefined();
    expect(loadConfig({ CARDWARDEN_METRICS_PORT: '9464' }, '/tmp').metricsPort).toBe(9464);
    expect(() => loadConfig({ CARDWARDEN_METRICS_PORT: 'nine' }, '/tmp')).toThrow(
      /CARDWARDEN_METRICS_PORT must be a whole number from 0 to 65535/,
    );
  });
});
