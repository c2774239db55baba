import { Alert, Button, Group, Stack, TextInput } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { useState, type SyntheticEvent } from 'react';
import type { EnrolmentResult } from '@cardwarden/contract';
import { isApiError } from '../../api/api-error.js';
import type { SecondFactorEndpoints } from '../../api/second-factor-api.js';
import { t } from '../../i18n/index.js';
import { ErrorAlert } from '../ErrorAlert.js';

/** The API's errors as usual; a browser's own refusal (cancelled, timed out, unsupported) as one plain sentence. */
export function PasskeyErrorAlert({ error }: { error: unknown }) {
  if (error === null || error === undefined || isApiError(error)) return <ErrorAlert error={error} />;
  return (
    <Alert color="red" variant="light" role="alert">
      {t('secondFactor.passkeyFailed')}
    </Alert>
  );
}

/** Adding a passkey: a name, then the browser's own dialog (touch the key, or unlock the device). */
export function PasskeyAdd({
  endpoints,
  onEnrolled,
}: {
  endpoints: SecondFactorEndpoints;
  onEnrolled: (result: EnrolmentResult) => void;
}) {
  const [label, setLabel] = useState('');
  const add = useMutation({
    mutationFn: () => endpoints.registerPasskey(label.trim() || undefined),
    onSuccess: (result) => {
      setLabel('');
      onEnrolled(result);
    },
  });
  const submit = (event: SyntheticEvent) => {
    event.preventDefault();
    add.mutate();
  };
  return (
    <form onSubmit={submit} noValidate>
      <Stack gap="xs">
        <TextInput
          label={t('secondFactor.passkeyLabel')}
          description={t('secondFactor.passkeyLabelHelp')}
          value={label}
          maxLength={100}
          onChange={(event) => {
            setLabel(event.currentTarget.value);
          }}
        />
        <PasskeyErrorAlert error={add.error} />
        <Group>
          <Button type="submit" variant="light" loading={add.isPending}>
            {t('secondFactor.passkeyAdd')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
