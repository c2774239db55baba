import { Button, Stack, Table, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import type { CardSummary, Me } from '@cardwarden/contract';
import { isDownToLastAttempt, isLastAttempt } from '@cardwarden/contract/policy';
import { operatorEndpoints as api } from '../../api/operator-api.js';
import { CardLink } from '../../components/RecordLink.js';
import { StateBadge } from '../../components/StateBadge.js';
import { t } from '../../i18n/index.js';
import { OfflineUnblockDialog, type UnblockTarget } from '../OfflineUnblock/OfflineUnblockDialog.js';
import { unblockBlocker, type UnblockContext } from './unblock-blocker.js';
import { ListTable } from '../../components/ListTable.js';

/** The installation's settings as the help desk sees them (null until known, or from an older server). */
export function useSettings() {
  return useQuery({ queryKey: ['settings'], queryFn: api.settings, retry: false, staleTime: 30_000 });
}

/** Who may generate an Offline Unblock (the help desk). */
export const HELP_DESK_ROLES: readonly string[] = ['operator', 'supervisor', 'admin'];

/**
 * The user's cards with state, type, profile and attempts left, each with Generate Offline Unblock, which
 * opens the Offline Unblock dialog for that card here: the user page and the card page show the same.
 */
export function CardsTable({
  cards,
  user,
  me,
  actionLabel = t('card.generate'),
  identity,
}: {
  cards: readonly CardSummary[];
  /** The cards' holder, named in the dialog. */
  user: UnblockTarget['user'];
  me: Me;
  actionLabel?: string;
  identity?: UnblockContext['identity'];
}) {
  const [target, setTarget] = useState<UnblockTarget | null>(null);
  const canUnblock = HELP_DESK_ROLES.includes(me.role);
  const role = t(`role.${me.role}`);
  const settings = useSettings();
  const offlineOff = settings.data?.offlineUnblock === false;
  return (
    <>
      <ListTable
        label={t('user.cards')}
        verticalSpacing="sm"
        columns={[
          t('col.serial'),
          t('col.state'),
          t('col.type'),
          t('col.profile'),
          t('col.attempts'),
          t('col.actions'),
        ]}
      >
        {cards.map((card) => {
          const blocker = unblockBlocker(card, canUnblock, role, {
            offlineOff,
            ...(identity ? { identity } : {}),
          });
          const reasonId = `reason-${card.id}`;
          return (
            <Table.Tr key={card.id} data-serial={card.serial}>
              <Table.Td>
                <CardLink card={card} />
              </Table.Td>
              <Table.Td>
                <StateBadge state={card.state} />
              </Table.Td>
              <Table.Td>{card.type}</Table.Td>
              <Table.Td>{card.profile.name}</Table.Td>
              <Table.Td>
                <Text
                  span
                  fw={isDownToLastAttempt(card.adminKey.attemptsRemaining) ? 700 : 400}
                  c={isDownToLastAttempt(card.adminKey.attemptsRemaining) ? 'red.9' : undefined}
                >
                  {t('card.attemptsLeft', {
                    remaining: card.adminKey.attemptsRemaining,
                    limit: card.adminKey.attemptLimit,
                  })}
                </Text>
              </Table.Td>
              <Table.Td>
                <Stack gap={4} align="flex-start">
                  <Button
                    size="sm"
                    disabled={blocker !== null}
                    aria-describedby={blocker ? reasonId : undefined}
                    onClick={() => {
                      setTarget({ card, user });
                    }}
                  >
                    {actionLabel}
                  </Button>
                  {blocker !== null ? (
                    <Text id={reasonId} size="xs" c="red.9" data-testid="unblock-reason">
                      {blocker}
                    </Text>
                  ) : (
                    <>
                      {isLastAttempt(card.adminKey.attemptsRemaining) && (
                        <Text size="xs" c="red.9">
                          {t('card.lastAttemptHint')}
                        </Text>
                      )}
                      {card.offlineUnblock.identityCheck && <Text size="xs">{t('card.identityHint')}</Text>}
                    </>
                  )}
                </Stack>
              </Table.Td>
            </Table.Tr>
          );
        })}
      </ListTable>
      {target && (
        <OfflineUnblockDialog
          target={target}
          onClose={() => {
            setTarget(null);
          }}
        />
      )}
    </>
  );
}
