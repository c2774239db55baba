import { Checkbox, Paper, Stack, Switch, Text } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { operatorEndpoints as api } from '../../api/operator-api.js';
import { ErrorAlert } from '../../components/ErrorAlert.js';
import { PageTitle } from '../../components/PageTitle.js';
import { t } from '../../i18n/index.js';

/** The installation's switches: offline unblock on or off for everyone; whether email is sent. */
export default function SettingsPage() {
  const queryClient = useQueryClient();
  const settings = useQuery({ queryKey: ['settings'], queryFn: api.settings });
  const update = useMutation({
    mutationFn: api.updateSettings,
    onSuccess: (fresh) => {
      queryClient.setQueryData(['settings'], fresh);
      void queryClient.invalidateQueries({ queryKey: ['user'] });
      void queryClient.invalidateQueries({ queryKey: ['card'] });
    },
  });
  return (
    <Stack maw={720}>
      <PageTitle title={t('settings.title')} />
      <Text size="sm">{t('settings.intro')}</Text>
      <ErrorAlert error={settings.error} />
      <ErrorAlert error={update.error} />
      {settings.data && (
        <Paper withBorder p="md">
          <Stack>
            <Switch
              label={t('settings.offlineUnblock')}
              description={t('settings.offlineUnblockHelp')}
              checked={settings.data.offlineUnblock}
              disabled={update.isPending}
              onChange={(event) => {
                update.mutate({ offlineUnblock: event.currentTarget.checked });
              }}
            />
            <Checkbox.Group
              label={t('settings.secondFactor')}
              description={t('settings.secondFactorHelp')}
              value={settings.data.secondFactorRequiredFor}
              onChange={(value) => {
                update.mutate({
                  secondFactorRequiredFor: (['admin', 'supervisor'] as const).filter((role) =>
                    value.includes(role),
                  ),
                });
              }}
            >
              <Stack gap={6} mt="xs">
                <Checkbox value="admin" label={t('settings.secondFactorAdmin')} disabled={update.isPending} />
                <Checkbox
                  value="supervisor"
                  label={t('settings.secondFactorSupervisor')}
                  disabled={update.isPending}
                />
              </Stack>
            </Checkbox.Group>
            {update.isSuccess && (
              <Text size="sm" fw={600} role="status">
                {t('settings.saved')}
              </Text>
            )}
            <div>
              <Text fw={600} size="sm">
                {t('settings.email')}
              </Text>
              <Text size="sm">
                {settings.data.emailNotifications ? t('settings.emailOn') : t('settings.emailOff')}
              </Text>
            </div>
          </Stack>
        </Paper>
      )}
    </Stack>
  );
}
