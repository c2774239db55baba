import { Alert, Button, Stack, Table, Text } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { operatorEndpoints as api, type ApprovalRequest } from '../../api/operator-api.js';
import { ErrorAlert } from '../../components/ErrorAlert.js';
import { UserLink } from '../../components/RecordLink.js';
import { PageTitle } from '../../components/PageTitle.js';
import { t } from '../../i18n/index.js';
import { waitedFor } from './waited-for.js';
import { ListTable } from '../../components/ListTable.js';

/** The clock, ticking every `ms`, so that "waiting for" stays true while the page is open. */
function useNow(ms: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => {
      setNow(Date.now());
    }, ms);
    return () => {
      clearInterval(timer);
    };
  }, [ms]);
  return now;
}

/**
 * Approvals waiting: the last-attempt unblocks that other operators started and that wait now, with the
 * cardholder, the card, the operator and how long they have waited; supervisors approve them here.
 */
export function ApprovalsPage() {
  const queryClient = useQueryClient();
  const now = useNow(15_000);
  const list = useQuery({ queryKey: ['approvals'], queryFn: api.awaitingApproval, refetchInterval: 5000 });
  const approve = useMutation({
    mutationFn: (id: string) => api.approve(id),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['approvals'] }),
  });
  const items = list.data?.items ?? [];
  return (
    <Stack>
      <PageTitle title={t('approvals.title')} />
      <Text size="sm">{t('approvals.intro')}</Text>
      <ErrorAlert error={list.error} />
      <ErrorAlert error={approve.error} />
      {approve.isSuccess && (
        <Alert color="green" role="status">
          {t('approvals.approved')}
        </Alert>
      )}
      {list.data && items.length === 0 && <Text role="status">{t('approvals.none')}</Text>}
      {items.length > 0 && (
        <ListTable
          label={t('approvals.title')}
          verticalSpacing="sm"
          columns={[
            t('col.cardholder'),
            t('col.card'),
            t('col.operator'),
            t('col.ticket'),
            t('approvals.waiting'),
            t('col.actions'),
          ]}
        >
          {items.map((session) => (
            <ApprovalRow
              key={session.id}
              session={session}
              now={now}
              approving={approve.isPending && approve.variables === session.id}
              onApprove={() => {
                approve.mutate(session.id);
              }}
            />
          ))}
        </ListTable>
      )}
    </Stack>
  );
}

function ApprovalRow({
  session,
  now,
  approving,
  onApprove,
}: {
  session: ApprovalRequest;
  now: number;
  approving: boolean;
  onApprove: () => void;
}) {
  const since = session.waitingSince ?? session.createdAt;
  return (
    <Table.Tr>
      <Table.Td>
        <UserLink id={session.userId}>{session.userDisplayName}</UserLink>
        <Text size="xs" ff="monospace">
          {session.username}
        </Text>
      </Table.Td>
      <Table.Td ff="monospace">{session.cardSerial}</Table.Td>
      <Table.Td>{session.operator}</Table.Td>
      <Table.Td>{session.ticket ?? '—'}</Table.Td>
      <Table.Td>
        <time dateTime={since} title={new Date(since).toLocaleString()}>
          {waitedFor(since, now)}
        </time>
      </Table.Td>
      <Table.Td>
        <Button
          color="orange"
          onClick={onApprove}
          loading={approving}
          aria-label={`${t('approvals.approve')} ${session.cardSerial}`}
        >
          {t('approvals.approve')}
        </Button>
      </Table.Td>
    </Table.Tr>
  );
}
