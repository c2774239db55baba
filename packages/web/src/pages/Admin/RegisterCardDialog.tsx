import { Alert, Button, Code, CopyButton, Group, Radio, Stack, Text, TextInput } from '@mantine/core';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import type { CardType } from '@cardwarden/contract';
import { CARD_TYPES } from '@cardwarden/contract/enums';
import {
  ADMIN_KEY_ALGORITHMS,
  ADMIN_KEY_SPECS,
  type AdminKeyAlgorithm,
} from '@cardwarden/protocol/admin-key';
import { operatorEndpoints as api, type RegisteredCard } from '../../api/operator-api.js';
import { AppModal } from '../../components/AppModal.js';
import { ChoiceSelect } from '../../components/ChoiceSelect.js';
import { describeError, ErrorAlert } from '../../components/ErrorAlert.js';
import { FormDialog } from '../../components/FormDialog.js';
import { stillNeeded } from '../../components/still-needed.js';
import { t } from '../../i18n/index.js';
import type { KeyEntry } from './admin-key-entry.js';
import { useKeyCheckValue } from './use-key-check-value.js';

type KeySource = 'enter' | 'generate';

/**
 * Register a card in one step: serial, card holder, profile (chosen already when there is only one),
 * type, and the admin key. The default is the key already on the card, typed in hex, with its key check
 * value shown live to compare with the card's; a generated key is shown once, after registration.
 */
export function RegisterCardDialog({
  onClose,
  onRegistered,
}: {
  onClose: () => void;
  onRegistered: (result: RegisteredCard) => void;
}) {
  const profiles = useQuery({ queryKey: ['profiles'], queryFn: api.profiles });
  const profileNames = (profiles.data?.items ?? []).map((p) => p.name);
  const [serial, setSerial] = useState('');
  const [username, setUsername] = useState('');
  const [chosenProfile, setProfile] = useState<string | null>(null);
  const [type, setType] = useState<CardType>('minidriver');
  const [algorithm, setAlgorithm] = useState<AdminKeyAlgorithm>('3des');
  const [source, setSource] = useState<KeySource>('enter');
  const [key, setKey] = useState('');
  const { entry, ready, kcv } = useKeyCheckValue(algorithm, key);
  const onlyProfile = profileNames.length === 1 ? profileNames[0] : undefined;
  // One profile: nothing to choose, so it is chosen.
  const profile = chosenProfile ?? onlyProfile ?? null;

  const save = useMutation({
    mutationFn: () =>
      api.registerCard({
        serial: serial.trim(),
        username: username.trim(),
        profile: profile ?? '',
        type,
        adminKey: source === 'generate' ? { algorithm, generate: true } : { algorithm, key: entry.digits },
      }),
    onSuccess: onRegistered,
  });
  const missing = stillNeeded([
    !serial.trim() && t('admin.cards.needSerial'),
    !username.trim() && t('admin.cards.needUsername'),
    profile === null && t('admin.cards.needProfile'),
    source === 'enter' && entry.status !== 'complete' && t('admin.cards.needKey'),
  ]);
  const noProfile = profiles.isSuccess && profileNames.length === 0;
  return (
    <FormDialog
      title={t('admin.cards.registerTitle')}
      size="lg"
      onClose={onClose}
      action={save}
      missing={missing}
      submitLabel={t('admin.cards.register')}
    >
      <TextInput
        label={t('admin.cards.serial')}
        value={serial}
        onChange={(e) => {
          setSerial(e.currentTarget.value);
        }}
        required
        autoComplete="off"
        spellCheck={false}
        data-autofocus
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
        data={profileNames}
        placeholder={onlyProfile === undefined ? t('admin.cards.chooseProfile') : undefined}
        required
      />
      {noProfile && (
        <Alert color="orange" variant="light">
          {t('admin.profiles.none')}
        </Alert>
      )}
      <ErrorAlert error={profiles.error} />
      <Group grow align="flex-start">
        <ChoiceSelect label={t('admin.cards.type')} value={type} onChange={setType} data={[...CARD_TYPES]} />
        <ChoiceSelect
          label={t('admin.cards.algorithm')}
          value={algorithm}
          onChange={setAlgorithm}
          data={ADMIN_KEY_ALGORITHMS.map((value) => ({ value, label: ADMIN_KEY_SPECS[value].label }))}
        />
      </Group>
      <Radio.Group
        label={t('admin.cards.keySource')}
        value={source}
        onChange={(v) => {
          setSource(v === 'generate' ? 'generate' : 'enter');
        }}
      >
        <Stack mt="xs" gap="xs">
          <Radio value="enter" label={t('admin.cards.keyEnter')} />
          <Radio value="generate" label={t('admin.cards.keyGenerate')} />
        </Stack>
      </Radio.Group>
      {source === 'enter' ? (
        <Stack gap={4}>
          <TextInput
            label={t('admin.cards.key')}
            description={t('admin.cards.keyHelp', { digits: entry.expected })}
            value={key}
            onChange={(e) => {
              setKey(e.currentTarget.value);
            }}
            error={keyError(entry)}
            autoComplete="off"
            spellCheck={false}
            ff="monospace"
            required
            aria-describedby="admin-key-kcv"
          />
          <Text id="admin-key-kcv" size="sm" aria-live="polite" data-testid="admin-key-kcv">
            {kcvLine(entry, ready, kcv)}
          </Text>
        </Stack>
      ) : (
        <Alert color="blue" variant="light">
          {t('admin.cards.generateHelp')}
        </Alert>
      )}
    </FormDialog>
  );
}

/** An error under the key field once it cannot become right by typing more. */
function keyError(entry: KeyEntry): string | null {
  if (entry.status === 'not-hex') return t('admin.cards.keyNotHex');
  if (entry.status === 'long')
    return t('admin.cards.keyTooLong', { count: entry.digits.length, expected: entry.expected });
  return null;
}

/** The live line under the key field: progress, then the key check value to compare with the card's. */
function kcvLine(entry: KeyEntry, ready: boolean, kcv: ReturnType<typeof useKeyCheckValue>['kcv']): string {
  if (entry.status === 'short' || entry.status === 'empty') {
    return t('admin.cards.keyProgress', { count: entry.digits.length, expected: entry.expected });
  }
  if (entry.status !== 'complete') return '';
  if (!ready || kcv.isPending) return t('admin.cards.kcvComputing');
  if (kcv.error) return t('admin.cards.kcvFailed', { reason: describeError(kcv.error) });
  const line = t('admin.cards.kcvLive', { kcv: kcv.data.kcv });
  return kcv.data.warning ? `${line} ${t('admin.cards.warning', { warning: kcv.data.warning })}` : line;
}

/**
 * The generated key, shown this once: hex and KCV, with what to do with it. The server keeps only the
 * sealed copy and never answers it again.
 */
export function GeneratedKeyDialog({ card, onClose }: { card: RegisteredCard; onClose: () => void }) {
  const key = card.generatedAdminKey ?? '';
  return (
    <AppModal onClose={onClose} title={t('admin.cards.generatedTitle')} size="lg" closeOnClickOutside={false}>
      <Stack>
        <Alert color="red" variant="light" title={t('admin.cards.generatedWarningTitle')}>
          {t('admin.cards.generatedWarning')}
        </Alert>
        <div>
          <Text size="sm" fw={600}>
            {t('admin.cards.generatedKey')}
          </Text>
          <Code block fz="md" data-testid="generated-admin-key">
            {key.replace(/(.{8})(?!$)/g, '$1 ')}
          </Code>
        </div>
        <Text>{t('admin.cards.registered', { kcv: card.adminKeyKcv })}</Text>
        <Group justify="flex-end">
          <CopyButton value={key}>
            {({ copied, copy }) => (
              <Button variant="light" onClick={copy}>
                {copied ? t('unblock.copied') : t('admin.cards.copyKey')}
              </Button>
            )}
          </CopyButton>
          <Button onClick={onClose}>{t('admin.cards.generatedDone')}</Button>
        </Group>
      </Stack>
    </AppModal>
  );
}
