import { describe, expect, it } from 'vitest';
import { matchPath } from './match-path.js';

describe('matchPath', () => {
  it('matches static and parameter segments', () => {
    expect(matchPath('/users/:id', '/users/42')).toEqual({ id: '42' });
    expect(matchPath('/', '/')).toEqual({});
    expect(matchPath('/admin/profiles', '/admin/profiles/')).toEqual({});
  });
  it('rejects other paths and broken escapes', () => {
    expect(matchPath('/users/:id', '/users')).toBeNull();
    expect(matchPath('/users/:id', '/cards/42')).toBeNull();
    expect(matchPath('/users/:id', '/users/%E0%A4%A')).toBeNull();
  });
});
