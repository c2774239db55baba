import { Button, Code, Group, Paper, Select, SimpleGrid, Stack, Table, Text, TextInput } from '@mantine/core';
import { keepPreviousData, useMutation, useQuery } from '@tanstack/react-query';
import { useState, type SyntheticEvent } from 'react';
import { operatorEndpoints as api, type AuditFilters } from '../../api/operator-api.js';
import { ErrorAlert } from '../../components/ErrorAlert.js';
import { actionChoices } from './audit-action-choices.js';
import { PageTitle } from '../../components/PageTitle.js';
import { t } from '../../i18n/index.js';
import { navigate, useLocation } from '../../router/router.js';
import { ListTable } from '../../components/ListTable.js';

const FIELDS = ['username', 'cardSerial', 'userId', 'cardId', 'actor', 'action', 'from', 'to'] as const;
type Field = (typeof FIELDS)[number];

/** A `datetime-local` value (local time) as an ISO timestamp with offset, as the API wants. */
function toIso(local: string): string | undefined {
  if (!local) return undefined;
  const date = new Date(local);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

/** The audit log with filters (cardholder, card, operator, action, date range) and CSV export. */
export default function AuditPage() {
  const { search } = useLocation();
  const applied = Object.fromEntries(FIELDS.map((field) => [field, search.get(field) ?? ''])) as Record<
    Field,
    string
  >;
  const [draft, setDraft] = useState(applied);
  const [offset, setOffset] = useState(0);
  const filters: AuditFilters = Object.fromEntries(
    FIELDS.flatMap((field) => {
      const value = field === 'from' || field === 'to' ? toIso(applied[field]) : applied[field].trim();
      return value ? [[field, value]] : [];
    }),
  );
  const events = useQuery({
    queryKey: ['audit', filters, offset],
    queryFn: () => api.audit(filters, offset),
    placeholderData: keepPreviousData,
  });
  const exportCsv = useMutation({
    mutationFn: async () => {
      const response = await api.auditCsv(filters);
      const blob = await response.blob();
      const url = URL.createObjectURL(blob);
      const link = document.createElement('a');
      link.href = url;
      link.download = 'cardwarden-audit.csv';
      link.click();
      setTimeout(() => {
        URL.revokeObjectURL(url);
      }, 10_000);
    },
  });
  const apply = (event: SyntheticEvent) => {
    event.preventDefault();
    const params = new URLSearchParams();
    for (const field of FIELDS) if (draft[field].trim()) params.set(field, draft[field].trim());
    setOffset(0);
    navigate(params.size ? `/audit?${params.toString()}` : '/audit', { replace: true });
  };
  const input = (field: Field, label: string, extra: { type?: string; description?: string } = {}) => (
    <TextInput
      label={label}
      value={draft[field]}
      onChange={(event) => {
        const value = event.currentTarget.value;
        setDraft((current) => ({ ...current, [field]: value }));
      }}
      {...extra}
    />
  );
  const total = events.data?.total ?? 0;
  return (
    <Stack>
      <PageTitle title={t('audit.title')} />
      <Paper withBorder p="md">
        <form onSubmit={apply}>
          <SimpleGrid cols={{ base: 1, sm: 2, md: 4 }}>
            {input('username', t('audit.username'))}
            {input('cardSerial', t('audit.cardSerial'))}
            {input('actor', t('audit.actor'))}
            <Select
              label={t('audit.action')}
              description={t('audit.actionHelp')}
              placeholder={t('audit.actionAny')}
              data={actionChoices(draft.action)}
              value={draft.action || null}
              onChange={(value) => {
                setDraft((current) => ({ ...current, action: value ?? '' }));
              }}
              searchable
              clearable
              nothingFoundMessage={t('audit.actionNone')}
              maxDropdownHeight={320}
            />
            {input('userId', t('audit.user'))}
            {input('cardId', t('audit.card'))}
            {input('from', t('audit.from'), { type: 'datetime-local' })}
            {input('to', t('audit.to'), { type: 'datetime-local' })}
          </SimpleGrid>
          <Group mt="md">
            <Button type="submit">{t('audit.apply')}</Button>
            <Button
              variant="light"
              onClick={() => {
                exportCsv.mutate();
              }}
              loading={exportCsv.isPending}
            >
              {t('audit.export')}
            </Button>
          </Group>
        </form>
      </Paper>
      <ErrorAlert error={events.error} />
      <ErrorAlert error={exportCsv.error} />
      {events.data && (
        <>
          <Text size="sm" c="dimmed" role="status">
            {events.data.items.length === 0 ? t('audit.none') : t('audit.total', { count: total })}
          </Text>
          <ListTable
            label={t('audit.title')}
            verticalSpacing="xs"
            striped
            columns={[t('col.when'), t('col.actor'), t('col.action'), t('col.ticket'), t('col.details')]}
          >
            {events.data.items.map((event) => (
              <Table.Tr key={event.id}>
                <Table.Td style={{ whiteSpace: 'nowrap' }}>{new Date(event.at).toLocaleString()}</Table.Td>
                <Table.Td>{event.actor}</Table.Td>
                <Table.Td>
                  <Code>{event.action}</Code>
                </Table.Td>
                <Table.Td>{event.ticket ?? ''}</Table.Td>
                <Table.Td>
                  <Text size="xs" ff="monospace" style={{ wordBreak: 'break-all' }}>
                    {Object.entries(event.details)
                      .map(([name, value]) => `${name}=${String(value)}`)
                      .join(' ')}
                  </Text>
                </Table.Td>
              </Table.Tr>
            ))}
          </ListTable>
          <Group>
            <Button
              variant="default"
              disabled={offset === 0}
              onClick={() => {
                setOffset(Math.max(0, offset - 50));
              }}
            >
              {t('audit.newer')}
            </Button>
            <Button
              variant="default"
              disabled={offset + 50 >= total}
              onClick={() => {
                setOffset(offset + 50);
              }}
            >
              {t('audit.older')}
            </Button>
          </Group>
        </>
      )}
    </Stack>
  );
}
