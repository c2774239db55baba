import { Button, Card, Group, SimpleGrid, Skeleton, Stack, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import type { SelfServiceCard } from '@cardwarden/contract';
import { mayRespond } from '@cardwarden/contract/policy';
import { selfServiceEndpoints as api } from '../../api/self-service-api.js';
import { ErrorAlert } from '../../components/ErrorAlert.js';
import { StateBadge } from '../../components/StateBadge.js';
import { PageTitle } from '../../components/PageTitle.js';
import { t } from '../../i18n/index.js';
import { SelfServiceUnblockDialog } from './SelfServiceUnblockDialog.js';

/** My cards: the cardholder's own cards, with Unblock PIN offline where the profile enables it. */
export function MyCardsPage({ name }: { name: string }) {
  const cards = useQuery({ queryKey: ['self-service', 'cards'], queryFn: api.cards });
  const [selected, setSelected] = useState<SelfServiceCard | null>(null);
  return (
    <Stack>
      <Text>{t('self.welcome', { name })}</Text>
      <PageTitle title={t('self.myCards')} />
      <ErrorAlert error={cards.error} />
      {cards.isPending && <Skeleton h={120} />}
      {cards.data?.items.length === 0 && <Text role="status">{t('self.noCards')}</Text>}
      <SimpleGrid cols={{ base: 1, sm: 2 }}>
        {cards.data?.items.map((card) => (
          <Card
            key={card.id}
            withBorder
            padding="lg"
            data-serial={card.serial}
            aria-label={card.serial}
            component="section"
          >
            <Group justify="space-between" mb="xs">
              <Text ff="monospace" fw={700} size="lg">
                {card.serial}
              </Text>
              <StateBadge state={card.state} />
            </Group>
            <Text size="sm">
              {card.type} · {card.profile}
            </Text>
            <Stack mt="md" gap={4}>
              {card.offlineUnblock.available &&
              mayRespond('selfServiceOfflineUnblock', card.attemptsRemaining) ? (
                <Button
                  onClick={() => {
                    setSelected(card);
                  }}
                >
                  {t('self.unblock')}
                </Button>
              ) : (
                <Text size="sm" data-testid="unblock-reason">
                  {unavailableText(card)}
                </Text>
              )}
            </Stack>
          </Card>
        ))}
      </SimpleGrid>
      {selected && (
        <SelfServiceUnblockDialog
          card={selected}
          onClose={() => {
            setSelected(null);
          }}
        />
      )}
    </Stack>
  );
}

/** Why a card has no Unblock PIN offline, in the cardholder's words: what is wrong and who can fix it. */
function unavailableText(card: SelfServiceCard): string {
  const { reason, available } = card.offlineUnblock;
  if (card.state === 'suspended') return t('self.cardSuspended');
  if (card.state === 'revoked') return t('self.cardRevoked');
  if (reason === 'user.not_active') return t('self.accountSuspended');
  if (reason === 'offline_unblock.attempts_exhausted') return t('self.keyBlocked');
  if (reason === 'admin_key.blocked') return t('self.keyBlocked');
  if (reason === 'offline_unblock.disabled') return t('self.offlineOff');
  if (reason === 'offline_unblock.use_case_disabled') return t('self.notOffered');
  // Only the last attempt left: the server says so with its own reason (older servers only by the count).
  if (reason === 'self_service.last_attempt' || available) return t('self.lastAttempt');
  return t('self.callHelpDesk');
}
