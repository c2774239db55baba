import { describe, expect, it } from 'vitest';
import { issueCommand } from './issue-command.js';

describe('issue command', () => {
  it('names the server, the user and the profile, quoted where needed', () => {
    expect(issueCommand('https://cw.example.org', 'alice', 'Standard')).toBe(
      'cardwarden-unlock issue --server https://cw.example.org --user alice --profile Standard --pin',
    );
    expect(issueCommand('https://cw.example.org', "o'neil", 'Office staff')).toBe(
      `cardwarden-unlock issue --server https://cw.example.org --user "o'neil" --profile 'Office staff' --pin`,
    );
    // PowerShell ends a single-quoted word at a typographic apostrophe too.
    expect(issueCommand('https://cw.example.org', 'alice', 'Finance’s cards')).toBe(
      `cardwarden-unlock issue --server https://cw.example.org --user alice --profile "Finance’s cards" --pin`,
    );
    // Only where no quoting reads the same in both shells: the POSIX form.
    expect(issueCommand('https://cw.example.org', `o'neil$`, 'Standard')).toBe(
      `cardwarden-unlock issue --server https://cw.example.org --user 'o'"'"'neil$' --profile Standard --pin`,
    );
  });
});
