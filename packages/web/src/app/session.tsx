import { Center, Loader } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type ReactNode } from 'react';
import type { TokenStore } from '../api/client.js';
import { ErrorAlert } from '../components/ErrorAlert.js';
import { t } from '../i18n/index.js';
import { SignInPage, type SignInPageProps } from '../pages/SignIn/SignInPage.js';
import { useToken } from './use-token.js';

/** Signing out: whatever the server answers, the session ends here and every cached answer goes. */
export function useSignOut(tokens: TokenStore, logout: () => Promise<unknown>, onSignedOut: () => void) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: logout,
    onSettled: () => {
      onSignedOut();
      tokens.set(null);
      queryClient.clear();
    },
  });
}

/** The whole page while who is signed in is loading, or why it could not be. */
export function SessionPending({ error }: { error: Error | null }) {
  if (error) {
    return (
      <Center mih="100vh" p="md">
        <ErrorAlert error={error} />
      </Center>
    );
  }
  return (
    <Center mih="100vh">
      <Loader aria-label={t('app.loading')} />
    </Center>
  );
}

/**
 * Sign-in until there is a token, then the signed-in app. Signing out, or the server ending the
 * session, comes back to the sign-in page with a notice saying so.
 */
export function SignInGate({
  tokens,
  signIn,
  children,
}: {
  tokens: TokenStore;
  signIn: Omit<SignInPageProps, 'notice' | 'onSignedIn'>;
  children: (onSignedOut: () => void) => ReactNode;
}) {
  const token = useToken(tokens);
  const queryClient = useQueryClient();
  const [notice, setNotice] = useState<string | null>(null);
  if (token === null) {
    return (
      <SignInPage
        {...signIn}
        notice={notice ?? (tokens.endedByServer() ? t('signIn.ended') : null)}
        onSignedIn={(newToken) => {
          queryClient.clear();
          setNotice(null);
          tokens.set(newToken);
        }}
      />
    );
  }
  return children(() => {
    setNotice(t('signIn.signedOut'));
  });
}
