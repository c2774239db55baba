import { Anchor, Button, Group, Paper, SimpleGrid, Skeleton, Stack, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import type { Me } from '@cardwarden/contract';
import { operatorEndpoints as api } from '../../api/operator-api.js';
import { ErrorAlert } from '../../components/ErrorAlert.js';
import { Link } from '../../components/Link.js';
import { StateBadge } from '../../components/StateBadge.js';
import { PageTitle } from '../../components/PageTitle.js';
import { t } from '../../i18n/index.js';
import { canGoBack, navigate } from '../../router/router.js';
import { CardsTable } from './CardsTable.js';
import { IssueCardDialog } from './IssueCardDialog.js';
import { SecurityAnswersStatus } from './SecurityAnswersStatus.js';

/** Who may issue and re-key cards (`cardwarden-unlock issue`). */
export const ISSUER_ROLES: readonly string[] = ['issuer', 'admin'];

/** User Information: details, state and cards, with Generate Offline Unblock per card. */
export function UserInformationPage({ id, me }: { id: string; me: Me }) {
  const user = useQuery({ queryKey: ['user', id], queryFn: () => api.user(id) });
  const [issuing, setIssuing] = useState(false);

  return (
    <Stack>
      <Anchor
        href="/"
        size="sm"
        onClick={(event) => {
          event.preventDefault();
          // Back to the same search results when we came from them; to User Lookup after a deep link.
          if (canGoBack()) window.history.back();
          else navigate('/');
        }}
      >
        ← {t('user.back')}
      </Anchor>
      <PageTitle title={t('user.title')} />
      <ErrorAlert error={user.error} />
      {user.isPending && <Skeleton h={120} />}
      {user.data && (
        <>
          <Paper withBorder p="md">
            <Group justify="space-between" align="flex-start">
              <div>
                <Title order={2} size="h3">
                  {user.data.displayName}
                </Title>
                <Text ff="monospace">{user.data.username}</Text>
              </div>
              <StateBadge state={user.data.state} />
            </Group>
            <SimpleGrid cols={{ base: 1, sm: 2, md: 4 }} mt="sm">
              <div>
                <Text size="xs" c="dimmed">
                  {t('user.email')}
                </Text>
                <Text>{user.data.email}</Text>
              </div>
              <div>
                <Text size="xs" c="dimmed">
                  {t('user.state')}
                </Text>
                <Text>{t(`state.${user.data.state}`)}</Text>
              </div>
              <div>
                <Text size="xs" c="dimmed">
                  {t('user.selfService')}
                </Text>
                <Text>
                  {user.data.selfServicePassword ? t('user.selfServiceYes') : t('user.selfServiceNo')}
                </Text>
              </div>
              <SecurityAnswersStatus user={user.data} canClear={me.role === 'admin'} />
            </SimpleGrid>
          </Paper>
          <Group justify="space-between">
            <Title order={2} size="h3">
              {t('user.cards')}
            </Title>
            <Group>
              {ISSUER_ROLES.includes(me.role) && (
                <Button
                  variant="light"
                  size="xs"
                  onClick={() => {
                    setIssuing(true);
                  }}
                >
                  {t('issue.button')}
                </Button>
              )}
              {me.role !== 'issuer' && (
                <Link to={`/audit?userId=${encodeURIComponent(user.data.id)}`} size="sm">
                  {t('user.history')}
                </Link>
              )}
            </Group>
          </Group>
          {user.data.cards.length === 0 ? (
            <Stack gap={4} align="flex-start">
              <Button disabled aria-describedby="no-card-reason">
                {t('card.generate')}
              </Button>
              <Text id="no-card-reason" size="sm" c="red.9" data-testid="unblock-reason">
                {t('user.noCardsReason')} {t('user.noCards')}
              </Text>
            </Stack>
          ) : (
            <CardsTable
              cards={user.data.cards}
              user={user.data}
              me={me}
              identity={user.data.securityQuestions}
            />
          )}
        </>
      )}
      {issuing && user.data && (
        <IssueCardDialog
          username={user.data.username}
          onClose={() => {
            setIssuing(false);
          }}
        />
      )}
    </Stack>
  );
}
