import {
  Alert,
  Button,
  Code,
  Group,
  Modal,
  Radio,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type SyntheticEvent } from 'react';
import type { CardState, CardType, RegisterCardResponse } from '@cardwarden/contract';
import { ADMIN_KEY_ALGORITHMS, type AdminKeyAlgorithm } from '@cardwarden/protocol';
import { operatorEndpoints as api } from '../../api/operator-api.js';
import { ChoiceSelect } from '../../components/ChoiceSelect.js';
import { ErrorAlert } from '../../components/ErrorAlert.js';
import { Link } from '../../components/Link.js';
import { StateBadge } from '../../components/StateBadge.js';
import { useDocumentTitle } from '../../app/use-document-title.js';
import { t } from '../../i18n/index.js';

const CARD_TYPES: readonly CardType[] = ['minidriver', 'gids', 'piv'];
const CARD_STATES: readonly CardState[] = ['active', 'suspended', 'revoked'];

/** Cards: register with an imported or generated admin key (the KCV is shown, never the key); change state. */
export default function CardsAdminPage() {
  useDocumentTitle(t('admin.cards.title'));
  const queryClient = useQueryClient();
  const [serial, setSerial] = useState('');
  const [debounced] = useDebouncedValue(serial.trim(), 200);
  const cards = useQuery({
    queryKey: ['cards', 'admin', debounced],
    queryFn: () => api.searchCards(debounced),
    placeholderData: keepPreviousData,
  });
  const [registering, setRegistering] = useState(false);
  const [registered, setRegistered] = useState<RegisterCardResponse | null>(null);
  const update = useMutation({
    mutationFn: ({ id, state }: { id: string; state: CardState }) => api.updateCard(id, { state }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['cards'] }),
  });
  const reset = useMutation({
    mutationFn: (id: string) => api.resetAttempts(id),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['cards'] }),
  });
  return (
    <Stack>
      <Group justify="space-between">
        <Title order={1} size="h2">
          {t('admin.cards.title')}
        </Title>
        <Button
          onClick={() => {
            setRegistered(null);
            setRegistering(true);
          }}
        >
          {t('admin.cards.register')}
        </Button>
      </Group>
      {registered && (
        <Alert
          color="green"
          role="status"
          withCloseButton
          onClose={() => {
            setRegistered(null);
          }}
        >
          <Text>{t('admin.cards.registered', { kcv: registered.adminKeyKcv })}</Text>
          {registered.adminKeyWarning && (
            <Text c="orange.9">{t('admin.cards.warning', { warning: registered.adminKeyWarning })}</Text>
          )}
        </Alert>
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
      <ErrorAlert error={update.error} />
      <ErrorAlert error={reset.error} />
      {cards.data && (
        <Table aria-label={t('admin.cards.title')} verticalSpacing="xs">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('col.serial')}</Table.Th>
              <Table.Th>{t('col.user')}</Table.Th>
              <Table.Th>{t('col.type')}</Table.Th>
              <Table.Th>{t('col.profile')}</Table.Th>
              <Table.Th>{t('col.algorithm')}</Table.Th>
              <Table.Th>{t('card.kcv')}</Table.Th>
              <Table.Th>{t('col.attempts')}</Table.Th>
              <Table.Th>{t('col.state')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {cards.data.items.map((card) => (
              <Table.Tr key={card.id}>
                <Table.Td>
                  <Link to={`/cards/${card.id}`} ff="monospace">
                    {card.serial}
                  </Link>
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
                    {card.adminKey.attemptsUsed > 0 && (
                      <Button
                        size="compact-xs"
                        variant="subtle"
                        aria-label={`${t('admin.cards.resetAttempts')} ${card.serial}`}
                        onClick={() => {
                          reset.mutate(card.id);
                        }}
                      >
                        {t('admin.cards.resetAttempts')}
                      </Button>
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
                        if (value !== card.state) update.mutate({ id: card.id, state: value });
                      }}
                    />
                  </Group>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      {registering && (
        <RegisterCardForm
          onClose={() => {
            setRegistering(false);
          }}
          onRegistered={(result) => {
            setRegistering(false);
            setRegistered(result);
            void queryClient.invalidateQueries({ queryKey: ['cards'] });
            void queryClient.invalidateQueries({ queryKey: ['user'] });
          }}
        />
      )}
    </Stack>
  );
}

function RegisterCardForm({
  onClose,
  onRegistered,
}: {
  onClose: () => void;
  onRegistered: (result: RegisterCardResponse) => void;
}) {
  const profiles = useQuery({ queryKey: ['profiles'], queryFn: api.profiles });
  const [serial, setSerial] = useState('');
  const [username, setUsername] = useState('');
  const [profile, setProfile] = useState<string | null>(null);
  const [type, setType] = useState<CardType>('minidriver');
  const [algorithm, setAlgorithm] = useState<AdminKeyAlgorithm>('3des');
  const [source, setSource] = useState<'generate' | 'import'>('generate');
  const [key, setKey] = useState('');
  const save = useMutation({
    mutationFn: () =>
      api.registerCard({
        serial: serial.trim(),
        username: username.trim(),
        profile: profile ?? '',
        type,
        adminKey: source === 'generate' ? { algorithm, generate: true } : { algorithm, key: key.trim() },
      }),
    onSuccess: onRegistered,
  });
  const submit = (event: SyntheticEvent) => {
    event.preventDefault();
    save.mutate();
  };
  const ready = serial.trim() && username.trim() && profile && (source === 'generate' || key.trim());
  return (
    <Modal opened onClose={onClose} title={t('admin.cards.register')} size="lg">
      <form onSubmit={submit}>
        <Stack>
          <TextInput
            label={t('admin.cards.serial')}
            value={serial}
            onChange={(e) => {
              setSerial(e.currentTarget.value);
            }}
            required
            autoComplete="off"
            spellCheck={false}
          />
          <TextInput
            label={t('admin.cards.username')}
            value={username}
            onChange={(e) => {
              setUsername(e.currentTarget.value);
            }}
            required
            autoComplete="off"
            spellCheck={false}
          />
          <ChoiceSelect
            label={t('admin.cards.profile')}
            value={profile}
            onChange={setProfile}
            data={(profiles.data?.items ?? []).map((p) => p.name)}
            required
          />
          <ErrorAlert error={profiles.error} />
          <Group grow>
            <ChoiceSelect
              label={t('admin.cards.type')}
              value={type}
              onChange={setType}
              data={[...CARD_TYPES]}
            />
            <ChoiceSelect
              label={t('admin.cards.algorithm')}
              value={algorithm}
              onChange={setAlgorithm}
              data={[...ADMIN_KEY_ALGORITHMS]}
            />
          </Group>
          <Radio.Group
            label={t('admin.cards.keySource')}
            description={t('admin.cards.keyHelp')}
            value={source}
            onChange={(v) => {
              setSource(v === 'import' ? 'import' : 'generate');
            }}
          >
            <Group mt="xs">
              <Radio value="generate" label={t('admin.cards.keyGenerate')} />
              <Radio value="import" label={t('admin.cards.keyImport')} />
            </Group>
          </Radio.Group>
          {source === 'import' && (
            <TextInput
              label={t('admin.cards.key')}
              value={key}
              onChange={(e) => {
                setKey(e.currentTarget.value);
              }}
              autoComplete="off"
              spellCheck={false}
              ff="monospace"
              required
            />
          )}
          <ErrorAlert error={save.error} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t('common.cancel')}
            </Button>
            <Button type="submit" loading={save.isPending} disabled={!ready}>
              {t('admin.cards.register')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
