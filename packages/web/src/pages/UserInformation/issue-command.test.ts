import { describe, expect, it } from 'vitest';
import { issueCommand } from './issue-command.js';

describe('issue command', () => {
  it('names the server, the user and the profile, quoted where needed', () => {
    expect(issueCommand('https://cw.example.org', 'alice', 'Standard')).toBe(
      'cardwarden-unlock issue --server https://cw.example.org --user alice --profile Standard --pin',
    );
    expect(issueCommand('https://cw.example.org', "o'neil", 'Office staff')).toBe(
      `cardwarden-unlock issue --server https://cw.example.org --user 'o'"'"'neil' --profile 'Office staff' --pin`,
    );
  });
});
