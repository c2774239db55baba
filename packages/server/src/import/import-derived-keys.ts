/**
 * The hook for cards whose admin key is derived from a versioned master key (the `master_version`
 * column). Derivation belongs to key custody (masters, KDF, HSM); until it is wired here, such a line is
 * refused with a line error, so a file never imports cards the server could not unblock.
 *
 * To wire it: return `{ version }` for a valid master version of the line's profile, and make the
 * import service store the derivation instead of a sealed key.
 */
export type DerivedKeyResolution = { readonly problem: string } | { readonly version: number };

export function resolveDerivedKey(_masterVersion: string): DerivedKeyResolution {
  return {
    problem:
      'derived keys need master keys (key derivation), which this server does not offer yet; give the key in "key" (hex) or "key_wrapped" instead',
  };
}
