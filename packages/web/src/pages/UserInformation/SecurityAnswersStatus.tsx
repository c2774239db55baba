import { Alert, Button, Group, Stack, Text } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { UserDetail } from '@cardwarden/contract';
import { operatorEndpoints as api } from '../../api/operator-api.js';
import { TicketInput } from '../../components/TicketInput.js';
import { FormDialog } from '../../components/FormDialog.js';
import { StateBadge } from '../../components/StateBadge.js';
import { t } from '../../i18n/index.js';

/**
 * What the help desk may know of a cardholder's security answers: how many are set, the wrong answers
 * counted and whether they are locked out (never the questions or answers); admins can clear a lockout.
 */
export function SecurityAnswersStatus({ user, canClear }: { user: UserDetail; canClear: boolean }) {
  const { answersSet, failedAttempts, maxFailedAttempts, locked } = user.securityQuestions;
  const [confirming, setConfirming] = useState(false);
  const [cleared, setCleared] = useState(false);
  return (
    <Stack gap={4} align="flex-start" data-testid="security-answers">
      <Text size="xs" c="dimmed">
        {t('user.security')}
      </Text>
      <Group gap="xs">
        <Text>{t('user.securityAnswers', { count: answersSet })}</Text>
        {locked && <StateBadge state="locked" />}
      </Group>
      <Text size="sm" c={failedAttempts > 0 ? 'red.9' : undefined}>
        {t('user.securityFailed', { count: failedAttempts, max: maxFailedAttempts })}
      </Text>
      {!locked && (
        <Text size="sm" c={failedAttempts > 0 ? 'red.9' : undefined} data-testid="identity-tries-left">
          {t('user.securityTriesLeft', { count: Math.max(0, maxFailedAttempts - failedAttempts) })}
        </Text>
      )}
      {locked && (
        <Text size="sm" c="red.9">
          {t('user.securityLocked')}
        </Text>
      )}
      {cleared && !locked && (
        <Text size="sm" fw={600} role="status">
          {t('user.lockoutCleared')}
        </Text>
      )}
      {canClear && (locked || failedAttempts > 0) && (
        <Button
          size="xs"
          variant="light"
          color="red"
          onClick={() => {
            setCleared(false);
            setConfirming(true);
          }}
        >
          {t('user.clearLockout')}
        </Button>
      )}
      {confirming && (
        <ClearLockoutDialog
          user={user}
          onClose={() => {
            setConfirming(false);
          }}
          onCleared={() => {
            setConfirming(false);
            setCleared(true);
          }}
        />
      )}
    </Stack>
  );
}

function ClearLockoutDialog({
  user,
  onClose,
  onCleared,
}: {
  user: UserDetail;
  onClose: () => void;
  onCleared: () => void;
}) {
  const queryClient = useQueryClient();
  const [ticket, setTicket] = useState('');
  const clear = useMutation({
    mutationFn: () => api.clearSecurityLockout(user.id, ticket.trim() || undefined),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: ['user', user.id] });
      onCleared();
    },
  });
  return (
    <FormDialog
      title={t('user.clearLockoutTitle', { name: user.displayName })}
      onClose={onClose}
      action={clear}
      submitColor="red"
      submitLabel={t('user.clearLockout')}
    >
      <Alert color="orange" variant="light">
        {t('user.clearLockoutText')}
      </Alert>
      <TicketInput value={ticket} onChange={setTicket} autoFocus />
    </FormDialog>
  );
}
