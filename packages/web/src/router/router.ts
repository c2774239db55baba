/**
 * A tiny client-side router over the History API: the portals have a handful of routes and do not need
 * a routing library. The server answers every non-API path with index.html, so deep links work.
 */
import { useSyncExternalStore } from 'react';

const listeners = new Set<() => void>();

function notify(): void {
  for (const listener of listeners) listener();
}

window.addEventListener('popstate', notify);

let cameFromApp = false;

/** Whether the browser's Back button would stay in the app (the person navigated here inside it). */
export function canGoBack(): boolean {
  return cameFromApp;
}

export function navigate(to: string, options: { replace?: boolean } = {}): void {
  if (to === currentPath()) return;
  if (!options.replace) cameFromApp = true;
  if (options.replace) window.history.replaceState(null, '', to);
  else window.history.pushState(null, '', to);
  notify();
  window.scrollTo(0, 0);
}

function currentPath(): string {
  return window.location.pathname + window.location.search;
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** The current path and query string; re-renders on navigation. */
export function useLocation(): { pathname: string; search: URLSearchParams } {
  const path = useSyncExternalStore(subscribe, currentPath);
  const url = new URL(path, window.location.origin);
  return { pathname: url.pathname, search: url.searchParams };
}

export { matchPath } from './match-path.js';
