import { useDebouncedValue } from '@mantine/hooks';
import { useQuery } from '@tanstack/react-query';
import type { AdminKeyAlgorithm } from '@cardwarden/protocol/admin-key';
import { operatorEndpoints as api } from '../../api/operator-api.js';
import { keyEntry } from './admin-key-entry.js';

/**
 * The key check value of the key being typed, from the server (the portals hold no crypto), asked for
 * only once the key has the algorithm's length and the typing has paused.
 */
export function useKeyCheckValue(algorithm: AdminKeyAlgorithm, text: string) {
  const entry = keyEntry(algorithm, text);
  const [settled] = useDebouncedValue(entry.status === 'complete' ? entry.digits : '', 300);
  const ready = settled !== '' && settled === entry.digits;
  const kcv = useQuery({
    // The key is in the query key only in memory; the query is never persisted, and is dropped at once.
    queryKey: ['admin-key-kcv', algorithm, settled],
    queryFn: ({ signal }) => api.keyCheckValue(algorithm, settled, signal),
    enabled: ready,
    gcTime: 0,
    staleTime: Infinity,
    retry: false,
  });
  return { entry, ready, kcv };
}
