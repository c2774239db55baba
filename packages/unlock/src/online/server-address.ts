/**
 * The `--server` address of `online`. The security answers and the card's response travel to and from it, so
 * plain http is refused except to this very computer, where nothing crosses a network.
 */

export type ServerAddress =
  { readonly ok: true; readonly base: URL } | { readonly ok: false; readonly problem: string };

/** Host names that never leave this computer. */
function isLoopback(hostname: string): boolean {
  return (
    hostname === 'localhost' ||
    hostname.endsWith('.localhost') ||
    hostname === '[::1]' ||
    /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname)
  );
}

/**
 * Checks `--server` and returns its base URL, ending in `/` so that API paths resolve under any path prefix
 * a reverse proxy adds.
 * @param allowInsecureHttp `--insecure-http`: allow plain http to other hosts too.
 * @example parseServerAddress('https://unlock.example.org/cardwarden', false)
 *   // { ok: true, base: URL('https://unlock.example.org/cardwarden/') }
 */
export function parseServerAddress(text: string, allowInsecureHttp: boolean): ServerAddress {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return {
      ok: false,
      problem: `--server "${text}" is not a URL; give one such as https://unlock.example.org`,
    };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    return { ok: false, problem: `--server must be an https:// URL, not ${url.protocol}//` };
  }
  if (url.username || url.password) {
    return {
      ok: false,
      problem: '--server must not hold a user name or password: online unlock needs no sign-in',
    };
  }
  if (url.search || url.hash) {
    return { ok: false, problem: '--server must not have a query (?…) or a fragment (#…)' };
  }
  if (url.protocol === 'http:' && !allowInsecureHttp && !isLoopback(url.hostname)) {
    return {
      ok: false,
      problem:
        `--server ${url.origin} uses plain http: your security answers and the response that unblocks ` +
        'your card would cross the network unencrypted and unauthenticated. Use https://, or add ' +
        '--insecure-http if you accept that (only on a network you trust, such as a test lab)',
    };
  }
  if (!url.pathname.endsWith('/')) url.pathname = `${url.pathname}/`;
  return { ok: true, base: url };
}
