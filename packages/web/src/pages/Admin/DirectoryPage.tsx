import { Button, Group, List, Stack, Table, Text } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { DirectoryStatus, DirectorySyncResult } from '@cardwarden/contract';
import { operatorEndpoints as api } from '../../api/operator-api.js';
import { ErrorAlert } from '../../components/ErrorAlert.js';
import { Section } from '../../components/Section.js';
import { PageTitle } from '../../components/PageTitle.js';
import { t, type MessageKey } from '../../i18n/index.js';
import { ListTable } from '../../components/ListTable.js';

type Settings = NonNullable<DirectoryStatus['settings']>;
type Counts = Omit<DirectorySyncResult, 'changes' | 'changesTruncated'>;

/**
 * The directory (LDAP / Active Directory): its settings as the server read them (they come from the
 * environment; the password never leaves the server), a connection test, the group → role mapping, a
 * dry run that lists what a sync would change, a sync with its progress, and where accounts came from.
 */
export default function DirectoryPage() {
  const queryClient = useQueryClient();
  const sync = useMutation({
    mutationFn: api.syncDirectory,
    onSettled: () => {
      void queryClient.invalidateQueries({ queryKey: ['directory'] });
      void queryClient.invalidateQueries({ queryKey: ['users'] });
      void queryClient.invalidateQueries({ queryKey: ['operators'] });
    },
  });
  const status = useQuery({
    queryKey: ['directory'],
    queryFn: api.directory,
    // While a run goes on (ours or a scheduled one), its progress is read every second.
    refetchInterval: (query) => (sync.isPending || query.state.data?.running ? 1000 : false),
  });
  const test = useMutation({ mutationFn: api.testDirectory });
  const data = status.data;
  return (
    <Stack maw={960}>
      <PageTitle title={t('directory.title')} />
      <ErrorAlert error={status.error} />
      {data && !data.configured && <Text>{t('directory.notConfigured')}</Text>}
      {data?.settings && (
        <Section title={t('directory.connection')}>
          <Text size="sm">{t('directory.fromEnvironment')}</Text>
          <SettingsTable settings={data.settings} />
          <Group>
            <Button
              variant="light"
              loading={test.isPending}
              onClick={() => {
                test.mutate();
              }}
            >
              {t('directory.test')}
            </Button>
          </Group>
          <ErrorAlert error={test.error} />
          {test.data && (
            <Stack gap="xs" role="status">
              <Text fw={600}>
                {test.data.ok
                  ? t('directory.testOk', { ms: test.data.durationMs })
                  : t('directory.testFailed')}
              </Text>
              <List size="sm">
                {test.data.steps.map((step) => (
                  <List.Item key={step.step}>
                    {step.ok ? t('directory.stepOk') : t('directory.stepFailed')}: {step.message}
                  </List.Item>
                ))}
              </List>
              {test.data.sample.length > 0 && (
                <ListTable
                  label={t('directory.sample')}
                  verticalSpacing={4}
                  columns={[t('col.username'), t('col.name'), t('col.email'), t('directory.disabled')]}
                >
                  {test.data.sample.map((entry) => (
                    <Table.Tr key={entry.dn}>
                      <Table.Td>{entry.username}</Table.Td>
                      <Table.Td>{entry.displayName}</Table.Td>
                      <Table.Td>{entry.email}</Table.Td>
                      <Table.Td>{entry.disabled ? t('directory.yes') : t('directory.no')}</Table.Td>
                    </Table.Tr>
                  ))}
                </ListTable>
              )}
              {test.data.incomplete > 0 && (
                <Text size="sm">{t('directory.incomplete', { count: test.data.incomplete })}</Text>
              )}
            </Stack>
          )}
        </Section>
      )}
      {data?.configured && (
        <Section title={t('directory.roles')}>
          {data.roleMapping.length === 0 ? (
            <Text size="sm">{t('directory.noRoles')}</Text>
          ) : (
            <ListTable
              label={t('directory.roles')}
              verticalSpacing={4}
              columns={[t('directory.group'), t('directory.role')]}
            >
              {data.roleMapping.map((mapping) => (
                <Table.Tr key={mapping.group}>
                  <Table.Td style={{ wordBreak: 'break-all' }}>{mapping.group}</Table.Td>
                  <Table.Td>{t(`role.${mapping.role}`)}</Table.Td>
                </Table.Tr>
              ))}
            </ListTable>
          )}
        </Section>
      )}
      {data?.configured && (
        <Section title={t('directory.sync')}>
          <Text size="sm">
            {data.settings?.syncIntervalMinutes
              ? t('directory.scheduled', { minutes: data.settings.syncIntervalMinutes })
              : t('directory.onDemand')}
          </Text>
          {data.running && (
            <Text role="status" fw={600}>
              {t('directory.running', {
                phase: t(`directory.phase.${data.running.phase}`),
                count: data.running.entriesRead,
              })}
            </Text>
          )}
          {data.lastRun && (
            <div>
              <Text size="sm">
                {t(data.lastRun.outcome === 'completed' ? 'directory.lastRun' : 'directory.lastRunFailed', {
                  at: new Date(data.lastRun.finishedAt).toLocaleString(),
                  actor: data.lastRun.actor,
                })}
              </Text>
              {data.lastRun.result && <CountsLine counts={data.lastRun.result} />}
              {data.lastRun.error && <Text size="sm">{data.lastRun.error.message}</Text>}
            </div>
          )}
          <Group>
            <Button
              variant="light"
              loading={sync.isPending && sync.variables}
              disabled={sync.isPending}
              onClick={() => {
                sync.mutate(true);
              }}
            >
              {t('directory.preview')}
            </Button>
            <Button
              loading={sync.isPending && !sync.variables}
              disabled={sync.isPending}
              onClick={() => {
                sync.mutate(false);
              }}
            >
              {t('directory.syncNow')}
            </Button>
          </Group>
          <ErrorAlert error={sync.error} />
          {sync.data && <SyncReport result={sync.data} />}
        </Section>
      )}
      {data && (
        <Section title={t('directory.accounts')} gap="xs">
          <Text size="sm">
            {t('directory.accountsUsers', {
              directory: data.accounts.users.directory,
              local: data.accounts.users.local,
            })}
          </Text>
          <Text size="sm">
            {t('directory.accountsStaff', {
              directory: data.accounts.operators.directory,
              local: data.accounts.operators.local,
            })}
          </Text>
        </Section>
      )}
    </Stack>
  );
}

function SettingsTable({ settings }: { settings: Settings }) {
  const tls = settings.url.startsWith('ldaps:')
    ? t('directory.tlsLdaps')
    : settings.startTls
      ? t('directory.tlsStartTls')
      : t('directory.tlsNone');
  const rows: [MessageKey, string][] = [
    ['directory.url', settings.url],
    ['directory.tls', settings.caFile ? `${tls} (${t('directory.caFile')})` : tls],
    ['directory.bindDn', settings.bindDn || t('directory.anonymous')],
    ['directory.baseDn', settings.baseDn],
    ['directory.userFilter', settings.userFilter],
    ['directory.groupBaseDn', settings.groupBaseDn],
    [
      'directory.attributes',
      [
        `${t('col.username')}: ${settings.attributes.username.join(', ')}`,
        `${t('col.name')}: ${settings.attributes.displayName}`,
        `${t('col.email')}: ${settings.attributes.email}`,
        `${t('directory.stableId')}: ${settings.attributes.id.join(', ')}`,
        `${t('directory.disabledFlag')}: ${settings.attributes.disabledFlags}`,
        `${t('directory.memberOf')}: ${settings.attributes.memberOf}`,
      ].join('; '),
    ],
  ];
  return (
    <Table aria-label={t('directory.connection')} verticalSpacing={4}>
      <Table.Tbody>
        {rows.map(([label, value]) => (
          <Table.Tr key={label}>
            <Table.Th scope="row" w={200}>
              {t(label)}
            </Table.Th>
            <Table.Td style={{ wordBreak: 'break-all' }}>{value}</Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

function CountsLine({ counts }: { counts: Counts }) {
  return (
    <Text size="sm">
      {t('directory.counts', {
        created: counts.created,
        updated: counts.updated,
        suspended: counts.suspended,
        unchanged: counts.unchanged,
        skipped: counts.skipped,
        staffCreated: counts.operators.created,
        staffUpdated: counts.operators.updated,
        staffDisabled: counts.operators.disabled,
      })}
    </Text>
  );
}

const CHANGE_LABEL: Readonly<
  Record<NonNullable<DirectorySyncResult['changes']>[number]['kind'], MessageKey>
> = {
  create: 'directory.change.create',
  update: 'directory.change.update',
  suspend: 'directory.change.suspend',
  reactivate: 'directory.change.reactivate',
  staff_create: 'directory.change.staffCreate',
  staff_update: 'directory.change.staffUpdate',
  staff_disable: 'directory.change.staffDisable',
};

function SyncReport({ result }: { result: DirectorySyncResult }) {
  return (
    <Stack gap="xs" role="status">
      <Text fw={600}>{result.dryRun ? t('directory.previewDone') : t('directory.syncDone')}</Text>
      <CountsLine counts={result} />
      {result.changes && result.changes.length > 0 && (
        <ListTable
          label={t('directory.changes')}
          verticalSpacing={4}
          columns={[t('col.username'), t('directory.change')]}
        >
          {result.changes.map((change) => (
            <Table.Tr key={`${change.kind} ${change.username}`}>
              <Table.Td>{change.username}</Table.Td>
              <Table.Td>
                {t(CHANGE_LABEL[change.kind])}
                {change.fields.length > 0 && ` (${change.fields.join(', ')})`}
                {change.role && ` — ${t(`role.${change.role}`)}`}
              </Table.Td>
            </Table.Tr>
          ))}
        </ListTable>
      )}
      {result.changesTruncated && <Text size="sm">{t('directory.changesTruncated')}</Text>}
      {result.dryRun && result.changes?.length === 0 && <Text size="sm">{t('directory.nothingToDo')}</Text>}
    </Stack>
  );
}
