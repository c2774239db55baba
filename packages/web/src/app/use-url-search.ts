import { useDebouncedValue } from '@mantine/hooks';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useLocation } from '../router/router.js';

/**
 * Search as you type with the query kept in the URL (`param`): debounced, fetched only when not blank, the
 * previous results kept while the next load. `items` is empty while the query is blank.
 */
export function useUrlSearch<Page extends { readonly items: readonly unknown[] }>(
  param: string,
  queryKey: string,
  fetchPage: (q: string, signal: AbortSignal) => Promise<Page>,
) {
  const { search } = useLocation();
  const q = search.get(param) ?? '';
  const [debounced] = useDebouncedValue(q.trim(), 200);
  const results = useQuery({
    queryKey: [queryKey, debounced],
    queryFn: ({ signal }) => fetchPage(debounced, signal),
    enabled: debounced.length > 0,
    placeholderData: keepPreviousData,
  });
  const items: Page['items'] = debounced.length > 0 ? (results.data?.items ?? []) : [];
  return { q, debounced, results, items };
}
