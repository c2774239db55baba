/**
 * The page the SSO callback led to: `?sso=done` (signed in), `?sso=step-up` (a step-up proof), or the
 * unlock tool's `?sso=device` / `?sso=device-failed`. The marker is read once and taken out of the
 * address bar; for `done` and `step-up` the result is exchanged once (its cookie works once).
 */
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { ssoEndpoints } from '../api/sso-api.js';

export type SsoReturn = 'done' | 'step-up' | 'device' | 'device-failed';

function readMarker(): SsoReturn | null {
  const url = new URL(window.location.href);
  const marker = url.searchParams.get('sso');
  if (marker !== 'done' && marker !== 'step-up' && marker !== 'device' && marker !== 'device-failed')
    return null;
  url.searchParams.delete('sso');
  window.history.replaceState(null, '', url.pathname + url.search);
  return marker;
}

export function useSsoReturn(accept: readonly SsoReturn[]) {
  const [marker] = useState(() => {
    const found = new URL(window.location.href).searchParams.get('sso');
    return accept.includes(found as SsoReturn) ? readMarker() : null;
  });
  const exchange = useQuery({
    queryKey: ['sso-exchange', marker],
    queryFn: ssoEndpoints.exchange,
    enabled: marker === 'done' || marker === 'step-up',
    retry: false,
    staleTime: Infinity,
    gcTime: Infinity,
    refetchOnWindowFocus: false,
    refetchOnReconnect: false,
  });
  return { marker, exchange };
}
