import { Button, Code, Group, Image, Stack, Text, TextInput } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { useState, type SyntheticEvent } from 'react';
import { renderSVG } from 'uqr';
import type { EnrolmentResult } from '@cardwarden/contract';
import type { SecondFactorEndpoints } from '../../api/second-factor-api.js';
import { t } from '../../i18n/index.js';
import { ErrorAlert } from '../ErrorAlert.js';

/** The otpauth:// URI as a QR code image (an SVG data URL: the page's CSP allows data: images). */
function qrDataUrl(uri: string): string {
  return `data:image/svg+xml;charset=utf-8,${encodeURIComponent(renderSVG(uri, { border: 2 }))}`;
}

/**
 * Setting up an authenticator app: a button, then the QR code (and the key, for apps that cannot scan)
 * and a field for the first code, which proves the app holds the same secret.
 */
export function TotpSetup({
  endpoints,
  onEnrolled,
}: {
  endpoints: SecondFactorEndpoints;
  onEnrolled: (result: EnrolmentResult) => void;
}) {
  const [code, setCode] = useState('');
  const start = useMutation({ mutationFn: endpoints.startTotp });
  const confirm = useMutation({
    mutationFn: () => endpoints.confirmTotp(code),
    onSuccess: onEnrolled,
  });
  if (!start.data) {
    return (
      <Stack gap="xs" align="flex-start">
        <ErrorAlert error={start.error} />
        <Button
          variant="light"
          loading={start.isPending}
          onClick={() => {
            start.mutate();
          }}
        >
          {t('secondFactor.totpStart')}
        </Button>
      </Stack>
    );
  }
  const submit = (event: SyntheticEvent) => {
    event.preventDefault();
    confirm.mutate();
  };
  return (
    <form onSubmit={submit} noValidate>
      <Stack gap="sm">
        <Text size="sm">{t('secondFactor.totpScan')}</Text>
        <Image src={qrDataUrl(start.data.otpauthUri)} alt={t('secondFactor.qrAlt')} w={200} h={200} />
        <div>
          <Text size="sm">{t('secondFactor.secret')}</Text>
          <Code data-testid="totp-secret">{start.data.secret}</Code>
        </div>
        <TextInput
          label={t('secondFactor.code')}
          description={t('secondFactor.codeHelp')}
          value={code}
          onChange={(event) => {
            setCode(event.currentTarget.value);
          }}
          inputMode="numeric"
          autoComplete="one-time-code"
          maxLength={7}
        />
        <ErrorAlert error={confirm.error} />
        <Group>
          <Button type="submit" loading={confirm.isPending} disabled={code.replace(/\s/g, '').length !== 6}>
            {t('secondFactor.confirm')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
