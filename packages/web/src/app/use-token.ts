import { useSyncExternalStore } from 'react';
import type { TokenStore } from '../api/client.js';

/** The portal's bearer token; re-renders when it is set or dropped (sign-in, sign-out, a 401). */
export function useToken(store: TokenStore): string | null {
  return useSyncExternalStore(
    (listener) => store.subscribe(listener),
    () => store.get(),
  );
}
