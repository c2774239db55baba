/**
 * Lines whose admin key is derived from a versioned master of their profile (the `master_version`
 * column), as another CMS issued them from the same master: the version must exist here, so that the
 * card's key can be derived again for every response (docs/key-custody.md has the derivation).
 */
import { api, routeKey } from '@cardwarden/contract';
import type { ImportProfile } from './import-row.js';

export type DerivedKeyResolution = { readonly problem: string } | { readonly version: number };

export function resolveDerivedKey(text: string, profile: ImportProfile | undefined): DerivedKeyResolution {
  const version = /^[1-9][0-9]{0,8}$/.test(text.trim()) ? Number(text.trim()) : undefined;
  if (version === undefined) {
    return {
      problem: `the master version "${text}" is not a whole number from 1: write the version the card's key was derived under`,
    };
  }
  if (!profile) return { version }; // the unknown profile is reported on its own
  if (!profile.masterVersions.has(version)) {
    const known = [...profile.masterVersions].sort((a, b) => a - b);
    return {
      problem:
        known.length === 0
          ? `the profile "${profile.name}" has no master key: create its masters first (${routeKey(api.masters.create)}), or give the key in "key" or "key_wrapped"`
          : `the profile "${profile.name}" has no master version ${String(version)} (it has ${known.join(', ')})`,
    };
  }
  return { version };
}
