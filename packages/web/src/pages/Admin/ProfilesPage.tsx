import {
  Badge,
  Button,
  Checkbox,
  Group,
  Modal,
  NumberInput,
  Stack,
  Switch,
  Table,
  Text,
  TextInput,
  Textarea,
  Title,
} from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type SyntheticEvent } from 'react';
import type { Profile, UseCase, UseCases } from '@cardwarden/contract';
import { operatorEndpoints as api } from '../../api/operator-api.js';
import { ErrorAlert } from '../../components/ErrorAlert.js';
import { useDocumentTitle } from '../../app/use-document-title.js';
import { t } from '../../i18n/index.js';

const USE_CASE_LIST: readonly UseCase[] = [
  'operatorOfflineUnblock',
  'selfServiceOfflineUnblock',
  'onlineUnlock',
];

interface ProfileDraft {
  name: string;
  description: string;
  useCases: UseCases;
  maxPinAttempts: number;
  adminKeyAttemptLimit: number;
  pinMin: number;
  pinMax: number;
  digitsOnly: boolean;
}

const NEW_PROFILE: ProfileDraft = {
  name: '',
  description: '',
  useCases: { operatorOfflineUnblock: false, selfServiceOfflineUnblock: false, onlineUnlock: false },
  maxPinAttempts: 3,
  adminKeyAttemptLimit: 3,
  pinMin: 6,
  pinMax: 8,
  digitsOnly: false,
};

function draftOf(profile: Profile): ProfileDraft {
  return {
    name: profile.name,
    description: profile.description,
    useCases: { ...profile.useCases },
    maxPinAttempts: profile.maxPinAttempts,
    adminKeyAttemptLimit: profile.adminKeyAttemptLimit,
    pinMin: profile.pinRules.minLength,
    pinMax: profile.pinRules.maxLength,
    digitsOnly: profile.pinRules.digitsOnly,
  };
}

/** Card profiles: use cases (each off until enabled), max PIN attempts, PIN rules, admin-key attempt limit. */
export default function ProfilesPage() {
  useDocumentTitle(t('admin.profiles.title'));
  const profiles = useQuery({ queryKey: ['profiles'], queryFn: api.profiles });
  const [editing, setEditing] = useState<Profile | 'new' | null>(null);
  return (
    <Stack>
      <Group justify="space-between">
        <Title order={1} size="h2">
          {t('admin.profiles.title')}
        </Title>
        <Button
          onClick={() => {
            setEditing('new');
          }}
        >
          {t('admin.profiles.create')}
        </Button>
      </Group>
      <Text size="sm" c="dimmed">
        {t('admin.profiles.useCasesHelp')}
      </Text>
      <ErrorAlert error={profiles.error} />
      {profiles.data?.items.length === 0 && <Text>{t('admin.profiles.none')}</Text>}
      {profiles.data && profiles.data.items.length > 0 && (
        <Table aria-label={t('admin.profiles.title')} verticalSpacing="sm">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('admin.profiles.name')}</Table.Th>
              <Table.Th>{t('col.useCases')}</Table.Th>
              <Table.Th>{t('admin.profiles.maxPinAttempts')}</Table.Th>
              <Table.Th>{t('admin.profiles.adminKeyAttemptLimit')}</Table.Th>
              <Table.Th>{t('col.cards')}</Table.Th>
              <Table.Th>{t('col.actions')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {profiles.data.items.map((profile) => (
              <Table.Tr key={profile.id}>
                <Table.Td fw={600}>{profile.name}</Table.Td>
                <Table.Td>
                  <Group gap={4}>
                    {USE_CASE_LIST.map((useCase) => (
                      <Badge
                        key={useCase}
                        color={profile.useCases[useCase] ? 'green' : 'gray'}
                        variant="light"
                      >
                        {t(`useCase.${useCase}`)}
                        {profile.useCases[useCase] ? '' : `: ${t('admin.profiles.off')}`}
                      </Badge>
                    ))}
                  </Group>
                </Table.Td>
                <Table.Td>{profile.maxPinAttempts}</Table.Td>
                <Table.Td>{profile.adminKeyAttemptLimit}</Table.Td>
                <Table.Td>{profile.cardCount}</Table.Td>
                <Table.Td>
                  <Button
                    size="xs"
                    variant="light"
                    aria-label={`${t('admin.profiles.edit')} ${profile.name}`}
                    onClick={() => {
                      setEditing(profile);
                    }}
                  >
                    {t('admin.profiles.edit')}
                  </Button>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      {editing !== null && (
        <ProfileForm
          profile={editing === 'new' ? null : editing}
          onClose={() => {
            setEditing(null);
          }}
        />
      )}
    </Stack>
  );
}

function ProfileForm({ profile, onClose }: { profile: Profile | null; onClose: () => void }) {
  const queryClient = useQueryClient();
  const [draft, setDraft] = useState<ProfileDraft>(profile ? draftOf(profile) : NEW_PROFILE);
  const set = <K extends keyof ProfileDraft>(key: K, value: ProfileDraft[K]) => {
    setDraft((current) => ({ ...current, [key]: value }));
  };
  const save = useMutation({
    mutationFn: () => {
      const body = {
        name: draft.name.trim(),
        description: draft.description.trim(),
        useCases: draft.useCases,
        maxPinAttempts: draft.maxPinAttempts,
        adminKeyAttemptLimit: draft.adminKeyAttemptLimit,
        pinRules: { minLength: draft.pinMin, maxLength: draft.pinMax, digitsOnly: draft.digitsOnly },
      };
      return profile ? api.updateProfile(profile.id, body) : api.createProfile(body);
    },
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: ['profiles'] });
      void queryClient.invalidateQueries({ queryKey: ['user'] });
      onClose();
    },
  });
  const pinError = draft.pinMin > draft.pinMax ? t('profile.pinRulesError') : null;
  const submit = (event: SyntheticEvent) => {
    event.preventDefault();
    if (!pinError && draft.name.trim()) save.mutate();
  };
  const number = (value: string | number, fallback: number) => (typeof value === 'number' ? value : fallback);
  return (
    <Modal
      opened
      onClose={onClose}
      title={profile ? `${t('admin.profiles.edit')}: ${profile.name}` : t('admin.profiles.create')}
      size="lg"
    >
      <form onSubmit={submit}>
        <Stack>
          <TextInput
            label={t('admin.profiles.name')}
            value={draft.name}
            onChange={(event) => {
              set('name', event.currentTarget.value);
            }}
            required
            maxLength={100}
          />
          <Textarea
            label={t('admin.profiles.description')}
            value={draft.description}
            onChange={(event) => {
              set('description', event.currentTarget.value);
            }}
            maxLength={1000}
            autosize
            minRows={1}
          />
          <fieldset style={{ border: 0, padding: 0, margin: 0 }}>
            <Text component="legend" fw={500} size="sm">
              {t('admin.profiles.useCases')}
            </Text>
            <Text size="xs" c="dimmed" mb="xs">
              {t('admin.profiles.useCasesHelp')}
            </Text>
            <Stack gap="xs">
              {USE_CASE_LIST.map((useCase) => (
                <Switch
                  key={useCase}
                  label={t(`useCase.${useCase}`)}
                  checked={draft.useCases[useCase]}
                  onChange={(event) => {
                    const checked = event.currentTarget.checked;
                    setDraft((current) => ({
                      ...current,
                      useCases: { ...current.useCases, [useCase]: checked },
                    }));
                  }}
                />
              ))}
            </Stack>
          </fieldset>
          <Group grow>
            <NumberInput
              label={t('admin.profiles.maxPinAttempts')}
              value={draft.maxPinAttempts}
              onChange={(value) => {
                set('maxPinAttempts', number(value, 3));
              }}
              min={1}
              max={15}
              allowDecimal={false}
            />
            <NumberInput
              label={t('admin.profiles.adminKeyAttemptLimit')}
              description={t('admin.profiles.adminKeyAttemptLimitHelp')}
              value={draft.adminKeyAttemptLimit}
              onChange={(value) => {
                set('adminKeyAttemptLimit', number(value, 3));
              }}
              min={1}
              max={15}
              allowDecimal={false}
            />
          </Group>
          <Group grow align="flex-start">
            <NumberInput
              label={t('admin.profiles.pinMin')}
              value={draft.pinMin}
              onChange={(value) => {
                set('pinMin', number(value, 6));
              }}
              min={4}
              max={127}
              allowDecimal={false}
              error={pinError}
            />
            <NumberInput
              label={t('admin.profiles.pinMax')}
              value={draft.pinMax}
              onChange={(value) => {
                set('pinMax', number(value, 8));
              }}
              min={4}
              max={127}
              allowDecimal={false}
            />
          </Group>
          <Checkbox
            label={t('admin.profiles.pinDigitsOnly')}
            checked={draft.digitsOnly}
            onChange={(event) => {
              set('digitsOnly', event.currentTarget.checked);
            }}
          />
          <ErrorAlert error={save.error} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t('common.cancel')}
            </Button>
            <Button type="submit" loading={save.isPending} disabled={!draft.name.trim() || pinError !== null}>
              {t('admin.profiles.save')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
