import { Alert, Button, Stack, Table, Text, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { operatorEndpoints as api, type ApprovalRequest } from '../../api/operator-api.js';
import { ErrorAlert } from '../../components/ErrorAlert.js';
import { Link } from '../../components/Link.js';
import { useDocumentTitle } from '../../app/use-document-title.js';
import { t } from '../../i18n/index.js';
import { waitedFor } from './waited-for.js';

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
  useDocumentTitle(t('approvals.title'));
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
      <Title order={1} size="h2">
        {t('approvals.title')}
      </Title>
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
        <Table aria-label={t('approvals.title')} verticalSpacing="sm">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('col.cardholder')}</Table.Th>
              <Table.Th>{t('col.card')}</Table.Th>
              <Table.Th>{t('col.operator')}</Table.Th>
              <Table.Th>{t('col.ticket')}</Table.Th>
              <Table.Th>{t('approvals.waiting')}</Table.Th>
              <Table.Th>{t('col.actions')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
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
          </Table.Tbody>
        </Table>
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
        <Link to={`/users/${encodeURIComponent(session.userId)}`}>{session.userDisplayName}</Link>
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
