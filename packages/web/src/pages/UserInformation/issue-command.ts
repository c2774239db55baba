/** The command line the portal's "Issue a card" shows: quoted for a POSIX shell or PowerShell alike. */

/** Single-quotes a word when it holds anything but safe characters. */
function quote(word: string): string {
  return /^[A-Za-z0-9._:/@=+-]+$/.test(word) ? word : `'${word.replace(/'/g, `'"'"'`)}'`;
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
