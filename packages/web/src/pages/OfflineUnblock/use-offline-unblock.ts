import { useMemo, useReducer } from 'react';
import {
  deriveOfflineUnblock,
  initialOfflineUnblockState,
  offlineUnblockReducer,
  type UnblockCard,
} from './offline-unblock-state.js';

/**
 * The Offline Unblock dialog's state (see `offline-unblock-state.ts`): the reducer's state, what the
 * dialog shows in it, and `dispatch` for what the operator and the server do.
 */
export function useOfflineUnblock(card: UnblockCard) {
  const [state, dispatch] = useReducer(offlineUnblockReducer, card, initialOfflineUnblockState);
  const view = useMemo(() => deriveOfflineUnblock(state, card), [state, card]);
  return { state, view, dispatch };
}
