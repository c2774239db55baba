import { Alert, Button, Stack, Table, Text, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { operatorEndpoints as api } from '../../api/operator-api.js';
import { ErrorAlert } from '../../components/ErrorAlert.js';
import { useDocumentTitle } from '../../app/use-document-title.js';
import { t } from '../../i18n/index.js';

/** Approvals waiting: supervisors approve last-attempt unblocks that other operators started. */
export function ApprovalsPage() {
  useDocumentTitle(t('approvals.title'));
  const queryClient = useQueryClient();
  const list = useQuery({ queryKey: ['approvals'], queryFn: api.awaitingApproval, refetchInterval: 5000 });
  const approve = useMutation({
    mutationFn: (id: string) => api.approve(id),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['approvals'] }),
  });
  const items = list.data?.items ?? [];
  return (
    <Stack>
      <Title order={1} size="h2">
        {t('approvals.title')}
      </Title>
      <Text size="sm" c="dimmed">
        {t('approvals.intro')}
      </Text>
      <ErrorAlert error={list.error} />
      <ErrorAlert error={approve.error} />
      {approve.isSuccess && (
        <Alert color="green" role="status">
          {t('approvals.approved')}
        </Alert>
      )}
      {list.data && items.length === 0 && <Text role="status">{t('approvals.none')}</Text>}
      {items.length > 0 && (
        <Table aria-label={t('approvals.title')} verticalSpacing="sm">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('col.serial')}</Table.Th>
              <Table.Th>{t('col.operator')}</Table.Th>
              <Table.Th>{t('col.ticket')}</Table.Th>
              <Table.Th>{t('col.when')}</Table.Th>
              <Table.Th>{t('col.actions')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {items.map((session) => (
              <Table.Tr key={session.id}>
                <Table.Td ff="monospace">{session.cardSerial}</Table.Td>
                <Table.Td>{session.operator}</Table.Td>
                <Table.Td>{session.ticket ?? '—'}</Table.Td>
                <Table.Td>{new Date(session.createdAt).toLocaleString()}</Table.Td>
                <Table.Td>
                  <Button
                    color="orange"
                    onClick={() => {
                      approve.mutate(session.id);
                    }}
                    loading={approve.isPending && approve.variables === session.id}
                    aria-label={`${t('approvals.approve')} ${session.cardSerial}`}
                  >
                    {t('approvals.approve')}
                  </Button>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Stack>
  );
}
