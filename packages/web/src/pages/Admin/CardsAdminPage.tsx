import { Button, Code, Group, Stack, Table, Text, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { keepPreviousData, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { CardDetail, CardState } from '@cardwarden/contract';
import { CARD_STATES } from '@cardwarden/contract/enums';
import { operatorEndpoints as api, type RegisteredCard } from '../../api/operator-api.js';
import { ChoiceSelect } from '../../components/ChoiceSelect.js';
import { ErrorAlert } from '../../components/ErrorAlert.js';
import { SavedNotice } from '../../components/SavedNotice.js';
import { CardLink } from '../../components/RecordLink.js';
import { StateBadge } from '../../components/StateBadge.js';
import { PageTitle } from '../../components/PageTitle.js';
import { t } from '../../i18n/index.js';
import { ChangeCardStateDialog, ResetAttemptsDialog } from './CardActionDialogs.js';
import { GeneratedKeyDialog, RegisterCardDialog } from './RegisterCardDialog.js';
import { ListTable } from '../../components/ListTable.js';

/**
 * Cards: register one with the key already on it (its KCV shown as typed) or a generated key (shown once);
 * change a card's state or reset its attempt count, each confirmed first.
 */
export default function CardsAdminPage() {
  const queryClient = useQueryClient();
  const [serial, setSerial] = useState('');
  const [debounced] = useDebouncedValue(serial.trim(), 200);
  const cards = useQuery({
    queryKey: ['cards', 'admin', debounced],
    queryFn: () => api.searchCards(debounced),
    placeholderData: keepPreviousData,
  });
  const [registering, setRegistering] = useState(false);
  const [registered, setRegistered] = useState<RegisteredCard | null>(null);
  const [resetting, setResetting] = useState<CardDetail | null>(null);
  const [changing, setChanging] = useState<{ card: CardDetail; state: CardState } | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const refresh = () => {
    void queryClient.invalidateQueries({ queryKey: ['cards'] });
    void queryClient.invalidateQueries({ queryKey: ['card'] });
    void queryClient.invalidateQueries({ queryKey: ['user'] });
  };
  return (
    <Stack>
      <PageTitle
        title={t('admin.cards.title')}
        action={
          <Button
            onClick={() => {
              setRegistered(null);
              setDone(null);
              setRegistering(true);
            }}
          >
            {t('admin.cards.register')}
          </Button>
        }
      />
      {done && (
        <SavedNotice
          onClose={() => {
            setDone(null);
          }}
        >
          {done}
        </SavedNotice>
      )}
      {registered && !registered.generatedAdminKey && (
        <SavedNotice
          onClose={() => {
            setRegistered(null);
          }}
        >
          <Text>{t('admin.cards.registered', { kcv: registered.adminKeyKcv })}</Text>
          {registered.adminKeyWarning && (
            <Text fw={600}>{t('admin.cards.warning', { warning: registered.adminKeyWarning })}</Text>
          )}
        </SavedNotice>
      )}
      <TextInput
        label={t('admin.cards.filter')}
        value={serial}
        onChange={(event) => {
          setSerial(event.currentTarget.value);
        }}
        type="search"
      />
      <ErrorAlert error={cards.error} />
      {cards.data && (
        <ListTable
          label={t('admin.cards.title')}
          verticalSpacing="xs"
          columns={[
            t('col.serial'),
            t('col.user'),
            t('col.type'),
            t('col.profile'),
            t('col.algorithm'),
            t('card.kcv'),
            t('col.attempts'),
            t('col.state'),
          ]}
        >
          {cards.data.items.map((card) => (
            <Table.Tr key={card.id}>
              <Table.Td>
                <CardLink card={card} />
              </Table.Td>
              <Table.Td>{card.user.username}</Table.Td>
              <Table.Td>{card.type}</Table.Td>
              <Table.Td>{card.profile.name}</Table.Td>
              <Table.Td>{card.adminKey.algorithm}</Table.Td>
              <Table.Td>
                <Code>{card.adminKey.kcv}</Code>
              </Table.Td>
              <Table.Td>
                <Group gap={6} wrap="nowrap">
                  <Text size="sm">
                    {t('card.attemptsLeft', {
                      remaining: card.adminKey.attemptsRemaining,
                      limit: card.adminKey.attemptLimit,
                    })}
                  </Text>
                  {card.adminKey.blocked ? (
                    // The card refused its last attempt: resetting the count would not help.
                    <Text size="xs" c="red.9" fw={600}>
                      {t('admin.cards.keyBlocked')}
                    </Text>
                  ) : (
                    card.adminKey.attemptsUsed > 0 && (
                      <Button
                        size="compact-xs"
                        variant="subtle"
                        aria-label={`${t('admin.cards.resetAttempts')} ${card.serial}`}
                        onClick={() => {
                          setDone(null);
                          setResetting(card);
                        }}
                      >
                        {t('admin.cards.resetAttempts')}
                      </Button>
                    )
                  )}
                </Group>
              </Table.Td>
              <Table.Td>
                <Group gap={6} wrap="nowrap">
                  <StateBadge state={card.state} />
                  <ChoiceSelect
                    aria-label={`${t('admin.cards.changeState')}: ${card.serial}`}
                    size="xs"
                    w={120}
                    value={card.state}
                    data={CARD_STATES.map((value) => ({ value, label: t(`state.${value}`) }))}
                    onChange={(value) => {
                      setDone(null);
                      if (value !== card.state) setChanging({ card, state: value });
                    }}
                  />
                </Group>
              </Table.Td>
            </Table.Tr>
          ))}
        </ListTable>
      )}
      {registering && (
        <RegisterCardDialog
          onClose={() => {
            setRegistering(false);
          }}
          onRegistered={(result) => {
            setRegistering(false);
            setRegistered(result);
            refresh();
          }}
        />
      )}
      {registered?.generatedAdminKey && (
        <GeneratedKeyDialog
          card={registered}
          onClose={() => {
            // The key goes with the dialog: the page keeps only the KCV.
            setRegistered({ ...registered, generatedAdminKey: null });
          }}
        />
      )}
      {resetting && (
        <ResetAttemptsDialog
          card={resetting}
          onClose={() => {
            setResetting(null);
          }}
          onDone={() => {
            setDone(t('admin.cards.attemptsReset', { serial: resetting.serial }));
            setResetting(null);
            refresh();
          }}
        />
      )}
      {changing && (
        <ChangeCardStateDialog
          card={changing.card}
          state={changing.state}
          onClose={() => {
            setChanging(null);
          }}
          onDone={() => {
            setDone(
              t('admin.cards.stateChanged', {
                serial: changing.card.serial,
                state: t(`state.${changing.state}`),
              }),
            );
            setChanging(null);
            refresh();
          }}
        />
      )}
    </Stack>
  );
}
