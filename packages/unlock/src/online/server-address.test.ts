import { describe, expect, it } from 'vitest';
import { parseServerAddress } from './server-address.js';

function base(text: string, insecure = false): string {
  const address = parseServerAddress(text, insecure);
  if (!address.ok) throw new Error(address.problem);
  return address.base.href;
}

function problem(text: string, insecure = false): string {
  const address = parseServerAddress(text, insecure);
  if (address.ok) throw new Error(`accepted ${text}`);
  return address.problem;
}

describe('parseServerAddress', () => {
  it('takes https addresses, keeping a path prefix and ending it in a slash', () => {
    expect(base('https://unlock.example.org')).toBe('https://unlock.example.org/');
    expect(base('https://unlock.example.org:8443/cardwarden')).toBe(
      'https://unlock.example.org:8443/cardwarden/',
    );
    expect(base('https://unlock.example.org/cardwarden/')).toBe('https://unlock.example.org/cardwarden/');
  });

  it('takes plain http to this computer only', () => {
    expect(base('http://127.0.0.1:3000')).toBe('http://127.0.0.1:3000/');
    expect(base('http://localhost:3000')).toBe('http://localhost:3000/');
    expect(base('http://[::1]:3000')).toBe('http://[::1]:3000/');
    expect(problem('http://unlock.example.org')).toMatch(/unencrypted.*--insecure-http/);
    expect(problem('http://127.0.0.1.example.org')).toMatch(/plain http/);
  });

  it('takes plain http elsewhere with --insecure-http', () => {
    expect(base('http://unlock.example.org', true)).toBe('http://unlock.example.org/');
  });

  it('refuses what is not a server address', () => {
    expect(problem('unlock.example.org')).toMatch(/not a URL/);
    expect(problem('ftp://unlock.example.org')).toMatch(/https:\/\//);
    expect(problem('https://alice:secret@unlock.example.org')).toMatch(/user name or password/);
    expect(problem('https://unlock.example.org/?x=1')).toMatch(/query/);
  });
});
