import { Alert, Button, Group, Stack, Text, TextInput } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { useState, type SyntheticEvent } from 'react';
import type { OfflineUnblockSession } from '@cardwarden/contract';
import { operatorEndpoints as api } from '../../api/operator-api.js';
import { MissingHint } from '../../components/FormDialog.js';
import { ErrorAlert } from '../../components/ErrorAlert.js';
import { t } from '../../i18n/index.js';

/**
 * The caller's security answers, when the card's profile requires them before a response is issued.
 * The operator asks each question and types what the caller says; the server compares.
 */
export function IdentityCheck({
  session,
  onVerified,
}: {
  session: OfflineUnblockSession;
  onVerified: () => void;
}) {
  const [answers, setAnswers] = useState<Record<string, string>>({});
  const check = useMutation({
    mutationFn: () =>
      api.verifyIdentity(
        session.id,
        session.identity.questions.map((question) => ({
          questionId: question.id,
          answer: answers[question.id] ?? '',
        })),
      ),
    onSuccess: onVerified,
  });
  const complete = session.identity.questions.every((question) => (answers[question.id] ?? '').trim() !== '');
  const submit = (event: SyntheticEvent) => {
    event.preventDefault();
    if (complete) check.mutate();
  };
  return (
    <Alert color="yellow" variant="light" title={t('identity.title')}>
      <form onSubmit={submit}>
        <Stack gap="xs">
          <Text size="sm">{t('identity.intro')}</Text>
          {session.identity.questions.map((question, index) => (
            <TextInput
              key={question.id}
              // The questions appear on request: the first answer is where the operator types next.
              autoFocus={index === 0}
              label={question.text}
              value={answers[question.id] ?? ''}
              onChange={(event) => {
                const value = event.currentTarget.value;
                setAnswers((current) => ({ ...current, [question.id]: value }));
              }}
              autoComplete="off"
              spellCheck={false}
            />
          ))}
          <ErrorAlert error={check.error} />
          <MissingHint
            id={`identity-missing-${session.id}`}
            missing={complete ? null : t('identity.needAnswers')}
          />
          <Group>
            <Button
              type="submit"
              variant="light"
              color="yellow"
              disabled={!complete}
              aria-describedby={complete ? undefined : `identity-missing-${session.id}`}
              loading={check.isPending}
            >
              {t('identity.check')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Alert>
  );
}
