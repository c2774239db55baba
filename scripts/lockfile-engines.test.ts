/**
 * `npm ci` must print no engine warning on the Node.js the project supports: every package in the lock
 * file must accept the running Node (CI runs the oldest supported, 20). A package that asks for a newer
 * Node is pinned or overridden in the root package.json (`overrides`), as light-my-request is (its 6.8
 * needs cookie 2, which needs Node 22).
 */
import { readFileSync } from 'node:fs';
import semver from 'semver';
import { describe, expect, it } from 'vitest';

interface LockPackage {
  readonly version?: string;
  readonly engines?: Record<string, string> | string[];
  readonly optional?: boolean;
}

interface LockFile {
  readonly packages: Record<string, LockPackage>;
}

const lock = JSON.parse(readFileSync(new URL('../package-lock.json', import.meta.url), 'utf8')) as LockFile;
const root = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  engines: { node: string };
};

/** The packages whose `engines.node` range excludes `nodeVersion`, as "name@version needs range". */
function refusing(nodeVersion: string): string[] {
  return Object.entries(lock.packages).flatMap(([path, entry]) => {
    const engines = entry.engines;
    // Old packages wrote engines as an array of strings; npm ignores that form.
    const range = engines && !Array.isArray(engines) ? engines.node : undefined;
    if (range === undefined || semver.satisfies(nodeVersion, range, { includePrerelease: true })) return [];
    const name = path.replace(/^.*node_modules\//, '') || '(root)';
    return [`${name}@${entry.version ?? '?'} needs node ${range}`];
  });
}

describe('the lock file', () => {
  it('holds no package that refuses the running Node.js, so npm ci prints no engine warning', () => {
    expect(refusing(process.version)).toEqual([]);
  });

  it('holds no package that refuses the oldest Node.js the project supports', () => {
    const oldest = semver.minVersion(root.engines.node);
    expect(oldest?.major).toBe(20);
    expect(refusing(oldest!.version)).toEqual([]);
  });

  it('would name a package that asks for a newer Node.js', () => {
    // The check itself can fail: Node 18 is refused by packages of this lock file (eslint 10 and others).
    expect(refusing('18.20.0').length).toBeGreaterThan(0);
  });
});
