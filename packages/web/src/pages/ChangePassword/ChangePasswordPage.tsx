import { Alert, Button, Paper, PasswordInput, Stack, Text } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { useId, useState, type SyntheticEvent } from 'react';
import { PageTitle } from '../../components/PageTitle.js';
import { ErrorAlert } from '../../components/ErrorAlert.js';
import { MissingHint } from '../../components/FormDialog.js';
import { stillNeeded } from '../../components/still-needed.js';
import { t } from '../../i18n/index.js';

const MIN_LENGTH = 12;

/**
 * Change password, for staff and for cardholders (each portal passes its own endpoint): the current
 * password, the new one twice. The server ends the person's other sign-ins.
 */
export function ChangePasswordPage({
  change,
  intro,
  mustChange = false,
  onChanged,
}: {
  change: (currentPassword: string, newPassword: string) => Promise<unknown>;
  intro?: string;
  /** The password was reset: the person must choose one before anything else. */
  mustChange?: boolean;
  onChanged?: () => void;
}) {
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [repeat, setRepeat] = useState('');
  const hintId = useId();
  const save = useMutation({
    mutationFn: () => change(current, next),
    onSuccess: () => {
      setCurrent('');
      setNext('');
      setRepeat('');
      onChanged?.();
    },
  });
  const mismatch = repeat !== '' && next !== repeat;
  const missing = stillNeeded([
    !current && t('password.needCurrent'),
    next.length < MIN_LENGTH && t('password.needNew'),
    (!repeat || mismatch) && t('password.needRepeat'),
  ]);
  const submit = (event: SyntheticEvent) => {
    event.preventDefault();
    if (missing === null) save.mutate();
  };
  return (
    <Stack maw={480}>
      <PageTitle title={t('password.title')} />
      {mustChange && (
        <Alert color="orange" variant="light" role="alert">
          {t('password.mustChange')}
        </Alert>
      )}
      {intro && <Text size="sm">{intro}</Text>}
      {save.isSuccess && (
        <Alert color="green" role="status">
          {t('password.changed')}
        </Alert>
      )}
      <Paper withBorder p="md">
        <form onSubmit={submit} noValidate>
          <Stack>
            <PasswordInput
              label={t('password.current')}
              value={current}
              onChange={(event) => {
                setCurrent(event.currentTarget.value);
              }}
              autoComplete="current-password"
              required
              withAsterisk={false}
              visibilityToggleButtonProps={{ 'aria-label': t('signIn.showTyped') }}
            />
            <PasswordInput
              label={t('password.new')}
              description={t('password.newHelp')}
              value={next}
              onChange={(event) => {
                setNext(event.currentTarget.value);
              }}
              autoComplete="new-password"
              required
              withAsterisk={false}
              visibilityToggleButtonProps={{ 'aria-label': t('signIn.showTyped') }}
            />
            <PasswordInput
              label={t('password.repeat')}
              value={repeat}
              onChange={(event) => {
                setRepeat(event.currentTarget.value);
              }}
              error={mismatch ? t('password.mismatch') : null}
              autoComplete="new-password"
              required
              withAsterisk={false}
              visibilityToggleButtonProps={{ 'aria-label': t('signIn.showTyped') }}
            />
            <ErrorAlert error={save.error} />
            <MissingHint id={hintId} missing={missing} />
            <Button
              type="submit"
              loading={save.isPending}
              disabled={missing !== null}
              aria-describedby={missing !== null ? hintId : undefined}
            >
              {t('password.submit')}
            </Button>
          </Stack>
        </form>
      </Paper>
    </Stack>
  );
}
