import { Alert, Button, Divider, Loader, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useEffect } from 'react';
import type { LoginResponse, SsoPortal } from '@cardwarden/contract';
import { markSsoSession, ssoEndpoints, ssoStartUrl, stepUpProof } from '../../api/sso-api.js';
import { useSsoReturn } from '../../app/use-sso-return.js';
import { ErrorAlert } from '../../components/ErrorAlert.js';
import { t } from '../../i18n/index.js';

/**
 * "Sign in with SSO" under the password form when the server offers it, and the end of an SSO sign-in
 * that came back to this page: the one-time exchange, then the session.
 */
export function SsoSignIn({
  portal,
  onSignedIn,
  onSecondFactor,
}: {
  portal: SsoPortal;
  onSignedIn: (token: string) => void;
  /** Staff who owe a second factor after SSO: the limited answer, for the same second step as a password sign-in. */
  onSecondFactor?: (limited: LoginResponse) => void;
}) {
  const status = useQuery({
    queryKey: ['sso-status'],
    queryFn: ssoEndpoints.status,
    staleTime: 5 * 60_000,
    retry: false,
  });
  const { marker, exchange } = useSsoReturn(['done', 'device', 'device-failed']);
  const session = exchange.data?.session;
  useEffect(() => {
    if (!exchange.data) return;
    if (exchange.data.stepUp) stepUpProof.set(exchange.data.stepUp);
    if (session) {
      markSsoSession(portal);
      if (session.secondFactorRequired && onSecondFactor) onSecondFactor(session);
      else onSignedIn(session.token);
    }
  }, [exchange.data, session, onSignedIn, onSecondFactor, portal]);
  if (!status.data?.enabled && marker === null) return null;
  return (
    <>
      {marker === 'device' && (
        <Alert color="green" variant="light" role="status">
          {t('sso.deviceDone')}
        </Alert>
      )}
      {marker === 'device-failed' && (
        <Alert color="red" variant="light" role="alert">
          {t('sso.deviceFailed')}
        </Alert>
      )}
      {exchange.isFetching && (
        <Text size="sm" role="status">
          <Loader size="xs" mr="xs" aria-hidden />
          {t('sso.signingIn')}
        </Text>
      )}
      <ErrorAlert error={exchange.error} />
      {status.data?.enabled && (
        <>
          <Divider label={t('sso.or')} labelPosition="center" />
          <Button component="a" href={ssoStartUrl(portal)} variant="default">
            {t('sso.signIn')}
          </Button>
        </>
      )}
    </>
  );
}
