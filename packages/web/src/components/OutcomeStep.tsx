import { Alert, Button, Group, Text } from '@mantine/core';
import type { UseMutationResult } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import type { Outcome } from '@cardwarden/contract';
import { t, type MessageKey } from '../i18n/index.js';
import { ErrorAlert } from './ErrorAlert.js';

/** The words of one dialog's outcome step: the help desk speaks of the caller's card, self-service of yours. */
export interface OutcomeWords {
  readonly ask: MessageKey;
  readonly failed: MessageKey;
  readonly unblocked: MessageKey;
  readonly recordedFailed: MessageKey;
  readonly recordedUnblocked: MessageKey;
}

/**
 * The last step of both unblock dialogs (the help desk's and the cardholder's): ask whether the response
 * unblocked the card, record the answer, then say what was recorded, with Close. The dialogs differ only in
 * their words, their Cancel, and what stands between the notice and Close (`details`, `tryAgain`).
 */
export function OutcomeStep({
  outcome,
  record,
  words,
  cancel,
  onClose,
  details,
  tryAgain,
}: {
  /** The recorded outcome; null while still asking. */
  outcome: Outcome | null;
  record: UseMutationResult<unknown, unknown, Outcome>;
  words: OutcomeWords;
  cancel: ReactNode;
  onClose: () => void;
  details?: ReactNode;
  tryAgain?: ReactNode;
}) {
  if (outcome !== null) {
    return (
      <>
        <Alert color={outcome === 'unblocked' ? 'green' : 'orange'} role="status">
          {t(outcome === 'unblocked' ? words.recordedUnblocked : words.recordedFailed)}
        </Alert>
        {details}
        <Group justify="flex-end">
          {tryAgain}
          <Button onClick={onClose}>{t('unblock.close')}</Button>
        </Group>
      </>
    );
  }
  const answer = (result: Outcome, color: string, label: MessageKey) => (
    <Button
      color={color}
      variant={result === 'failed' ? 'light' : undefined}
      onClick={() => {
        record.mutate(result);
      }}
      loading={record.isPending && record.variables === result}
      disabled={record.isPending}
    >
      {t(label)}
    </Button>
  );
  return (
    <>
      <Text fw={600}>{t(words.ask)}</Text>
      <ErrorAlert error={record.error} />
      <Group justify="space-between">
        {cancel}
        <Group>
          {answer('failed', 'red', words.failed)}
          {answer('unblocked', 'green', words.unblocked)}
        </Group>
      </Group>
    </>
  );
}
