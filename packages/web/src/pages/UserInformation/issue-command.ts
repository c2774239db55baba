/** The command line the portal's "Issue a card" shows: quoted for a POSIX shell or PowerShell alike. */

/**
 * Quotes a word when it holds anything but safe characters: in single quotes, or in double quotes when
 * it holds a single quote (PowerShell also takes ‘ ’ ‚ ‛ for one); both read the same in a POSIX shell
 * and in PowerShell. A word that fits neither (a single quote and one of " “ ” „ $ ` \ !) gets the
 * POSIX form.
 */
function quote(word: string): string {
  if (/^[A-Za-z0-9._:/@=+-]+$/.test(word)) return word;
  if (!/['‘’‚‛]/.test(word)) return `'${word}'`;
  if (!/["“”„$`\\!]/.test(word)) return `"${word}"`;
  return `'${word.replace(/'/g, `'"'"'`)}'`;
}

/** `cardwarden-unlock issue --server ORIGIN --user USER --profile PROFILE --pin` */
export function issueCommand(serverOrigin: string, username: string, profile: string): string {
  return [
    'cardwarden-unlock',
    'issue',
    '--server',
    serverOrigin,
    '--user',
    username,
    '--profile',
    profile,
    '--pin',
  ]
    .map(quote)
    .join(' ');
}
