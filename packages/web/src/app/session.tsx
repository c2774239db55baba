import { Center, Loader } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { TokenStore } from '../api/client.js';
import { ErrorAlert } from '../components/ErrorAlert.js';
import { t } from '../i18n/index.js';

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
