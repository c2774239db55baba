import { Group, Paper, SimpleGrid, Skeleton, Stack, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import type { Me } from '@cardwarden/contract';
import { operatorEndpoints as api } from '../../api/operator-api.js';
import { ErrorAlert } from '../../components/ErrorAlert.js';
import { Link } from '../../components/Link.js';
import { UserLink } from '../../components/RecordLink.js';
import { useDocumentTitle } from '../../app/use-document-title.js';
import { t } from '../../i18n/index.js';
import { CardsTable } from '../UserInformation/CardsTable.js';

/** One card, opened from Card Search, with Unblock card remote (the same dialog). */
export function CardViewPage({ id, me }: { id: string; me: Me }) {
  useDocumentTitle(t('cardSearch.title'));
  const card = useQuery({ queryKey: ['card', id], queryFn: () => api.card(id) });
  return (
    <Stack>
      <Link to="/cards" size="sm">
        ← {t('cardSearch.title')}
      </Link>
      <ErrorAlert error={card.error} />
      {card.isPending && <Skeleton h={120} />}
      {card.data && (
        <>
          <Group justify="space-between">
            <Title order={1} size="h2">
              {t('card.title', { serial: card.data.serial })}
            </Title>
            <Link to={`/audit?cardId=${encodeURIComponent(card.data.id)}`} size="sm">
              {t('card.history')}
            </Link>
          </Group>
          <Paper withBorder p="md">
            <SimpleGrid cols={{ base: 1, sm: 3 }}>
              <div>
                <Text size="xs" c="dimmed">
                  {t('card.owner')}
                </Text>
                <UserLink id={card.data.user.id}>
                  {card.data.user.displayName} ({card.data.user.username})
                </UserLink>
              </div>
              <div>
                <Text size="xs" c="dimmed">
                  {t('col.algorithm')}
                </Text>
                <Text>{card.data.adminKey.algorithm}</Text>
              </div>
              <div>
                <Text size="xs" c="dimmed">
                  {t('card.kcv')}
                </Text>
                <Text ff="monospace">{card.data.adminKey.kcv}</Text>
              </div>
            </SimpleGrid>
          </Paper>
          <CardsTable cards={[card.data]} user={card.data.user} me={me} actionLabel={t('card.remote')} />
        </>
      )}
    </Stack>
  );
}
