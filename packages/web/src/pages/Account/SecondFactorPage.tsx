import { Button, Divider, Group, List, Paper, Stack, Text, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { EnrolmentResult } from '@cardwarden/contract';
import { secondFactorEndpoints, sessionCall } from '../../api/second-factor-api.js';
import { PageTitle } from '../../components/PageTitle.js';
import { ErrorAlert } from '../../components/ErrorAlert.js';
import { PasskeyAdd } from '../../components/second-factor/PasskeyAdd.js';
import { RecoveryCodesShown } from '../../components/second-factor/RecoveryCodesShown.js';
import { TotpSetup } from '../../components/second-factor/TotpSetup.js';
import { t } from '../../i18n/index.js';

const endpoints = secondFactorEndpoints(sessionCall);
const STATUS = ['second-factor'] as const;

/** "Two-factor sign-in": set up or remove the authenticator app and passkeys; recovery codes once. */
export default function SecondFactorPage() {
  const queryClient = useQueryClient();
  const status = useQuery({ queryKey: STATUS, queryFn: endpoints.status });
  const [codes, setCodes] = useState<readonly string[] | null>(null);
  const refresh = () => queryClient.invalidateQueries({ queryKey: STATUS });
  const enrolled = (result: EnrolmentResult) => {
    if (result.recoveryCodes) setCodes(result.recoveryCodes);
    void refresh();
  };
  const removeTotp = useMutation({ mutationFn: endpoints.removeTotp, onSettled: refresh });
  const removePasskey = useMutation({ mutationFn: endpoints.removePasskey, onSettled: refresh });
  const newCodes = useMutation({
    mutationFn: endpoints.newRecoveryCodes,
    onSuccess: (result) => {
      setCodes(result.recoveryCodes);
      void refresh();
    },
  });
  const data = status.data;
  return (
    <Stack maw={720}>
      <PageTitle title={t('secondFactor.title')} />
      <Text size="sm">{t('secondFactor.intro')}</Text>
      <ErrorAlert error={status.error} />
      {codes && (
        <Paper withBorder p="md">
          <RecoveryCodesShown
            codes={codes}
            onDone={() => {
              setCodes(null);
            }}
          />
        </Paper>
      )}
      {data && !codes && (
        <>
          <Text size="sm" fw={600}>
            {data.required ? t('secondFactor.required') : t('secondFactor.optional')}
          </Text>
          <Paper withBorder p="md">
            <Stack gap="sm">
              <Title order={2} size="h4">
                {t('secondFactor.totpTitle')}
              </Title>
              {data.totp ? (
                <Group>
                  <Text size="sm">{t('secondFactor.totpOn')}</Text>
                  <Button
                    size="xs"
                    variant="light"
                    color="red"
                    loading={removeTotp.isPending}
                    onClick={() => {
                      removeTotp.mutate();
                    }}
                  >
                    {t('secondFactor.totpRemove')}
                  </Button>
                </Group>
              ) : (
                <TotpSetup endpoints={endpoints} onEnrolled={enrolled} />
              )}
              <ErrorAlert error={removeTotp.error} />
            </Stack>
          </Paper>
          <Paper withBorder p="md">
            <Stack gap="sm">
              <Title order={2} size="h4">
                {t('secondFactor.passkeyTitle')}
              </Title>
              {data.passkeys.length === 0 ? (
                <Text size="sm">{t('secondFactor.passkeyNone')}</Text>
              ) : (
                <List listStyleType="none" spacing="xs" aria-label={t('secondFactor.passkeyTitle')}>
                  {data.passkeys.map((passkey) => (
                    <List.Item key={passkey.id}>
                      <Group gap="sm">
                        <Text size="sm" fw={600}>
                          {passkey.label}
                        </Text>
                        <Text size="xs">
                          {passkey.lastUsedAt
                            ? t('secondFactor.passkeyLastUsed', {
                                created: new Date(passkey.createdAt).toLocaleDateString(),
                                used: new Date(passkey.lastUsedAt).toLocaleString(),
                              })
                            : t('secondFactor.passkeyNeverUsed', {
                                created: new Date(passkey.createdAt).toLocaleDateString(),
                              })}
                        </Text>
                        <Button
                          size="xs"
                          variant="subtle"
                          color="red"
                          onClick={() => {
                            removePasskey.mutate(passkey.id);
                          }}
                        >
                          {t('secondFactor.passkeyRemove', { label: passkey.label })}
                        </Button>
                      </Group>
                    </List.Item>
                  ))}
                </List>
              )}
              <ErrorAlert error={removePasskey.error} />
              <Divider />
              <PasskeyAdd endpoints={endpoints} onEnrolled={enrolled} />
            </Stack>
          </Paper>
          {(data.totp || data.passkeys.length > 0) && (
            <Paper withBorder p="md">
              <Stack gap="sm" align="flex-start">
                <Title order={2} size="h4">
                  {t('secondFactor.recoveryCodes')}
                </Title>
                <Text size="sm">{t('secondFactor.recoveryLeft', { count: data.recoveryCodesLeft })}</Text>
                <ErrorAlert error={newCodes.error} />
                <Button
                  variant="light"
                  loading={newCodes.isPending}
                  onClick={() => {
                    newCodes.mutate();
                  }}
                >
                  {t('secondFactor.recoveryNew')}
                </Button>
              </Stack>
            </Paper>
          )}
        </>
      )}
    </Stack>
  );
}
