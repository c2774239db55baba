import {
  Badge,
  Button,
  Checkbox,
  Group,
  NumberInput,
  Stack,
  Switch,
  Table,
  Text,
  TextInput,
  Textarea,
} from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { Profile, UseCase } from '@cardwarden/contract';
import { operatorEndpoints as api } from '../../api/operator-api.js';
import { ErrorAlert } from '../../components/ErrorAlert.js';
import { FormDialog } from '../../components/FormDialog.js';
import { stillNeeded } from '../../components/still-needed.js';
import { PageTitle } from '../../components/PageTitle.js';
import { t, type MessageKey } from '../../i18n/index.js';
import { navigate } from '../../router/router.js';
import { bodyOf, canSave, draftErrors, draftOf, NEW_PROFILE, type ProfileDraft } from './profile-draft.js';
import { ListTable } from '../../components/ListTable.js';

/** The master keys page of one profile (a plain path: the page itself loads on first use). */
const masterKeysHref = (profileId: string) => `/admin/master-keys?profile=${encodeURIComponent(profileId)}`;

const USE_CASE_LIST: readonly UseCase[] = [
  'operatorOfflineUnblock',
  'selfServiceOfflineUnblock',
  'onlineUnlock',
];

/**
 * Card profiles: use cases (each off until enabled), max PIN attempts, PIN rules, admin-key attempt limit,
 * and the security-question policy (answers required and asked, lockout, the help desk's check).
 */
export default function ProfilesPage() {
  const profiles = useQuery({ queryKey: ['profiles'], queryFn: api.profiles });
  const [editing, setEditing] = useState<Profile | 'new' | null>(null);
  return (
    <Stack>
      <PageTitle
        title={t('admin.profiles.title')}
        action={
          <Button
            onClick={() => {
              setEditing('new');
            }}
          >
            {t('admin.profiles.create')}
          </Button>
        }
      />
      <Text size="sm" c="dimmed">
        {t('admin.profiles.useCasesHelp')}
      </Text>
      <ErrorAlert error={profiles.error} />
      {profiles.data?.items.length === 0 && <Text>{t('admin.profiles.none')}</Text>}
      {profiles.data && profiles.data.items.length > 0 && (
        <ListTable
          label={t('admin.profiles.title')}
          verticalSpacing="sm"
          columns={[
            t('admin.profiles.name'),
            t('col.useCases'),
            t('admin.profiles.maxPinAttempts'),
            t('admin.profiles.adminKeyAttemptLimit'),
            t('col.securityQuestions'),
            t('col.cards'),
            t('col.actions'),
          ]}
        >
          {profiles.data.items.map((profile) => (
            <Table.Tr key={profile.id}>
              <Table.Td fw={600}>{profile.name}</Table.Td>
              <Table.Td>
                <Group gap={4}>
                  {USE_CASE_LIST.map((useCase) => (
                    <Badge key={useCase} color={profile.useCases[useCase] ? 'green' : 'gray'} variant="light">
                      {t(`useCase.${useCase}`)}
                      {profile.useCases[useCase] ? '' : `: ${t('admin.profiles.off')}`}
                    </Badge>
                  ))}
                </Group>
              </Table.Td>
              <Table.Td>{profile.maxPinAttempts}</Table.Td>
              <Table.Td>{profile.adminKeyAttemptLimit}</Table.Td>
              <Table.Td>
                <Text size="sm">
                  {t('admin.profiles.sqSummary', {
                    asked: profile.securityQuestions.asked,
                    required: profile.securityQuestions.required,
                  })}
                </Text>
                {profile.securityQuestions.validateInOfflineUnblock && (
                  <Badge color="yellow" variant="light">
                    {t('admin.profiles.sqChecked')}
                  </Badge>
                )}
              </Table.Td>
              <Table.Td>{profile.cardCount}</Table.Td>
              <Table.Td>
                <Group gap="xs" wrap="nowrap">
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
                  <Button
                    component="a"
                    href={masterKeysHref(profile.id)}
                    size="xs"
                    variant="subtle"
                    aria-label={`${t('admin.profiles.masterKeys')} ${profile.name}`}
                    onClick={(event) => {
                      event.preventDefault();
                      navigate(masterKeysHref(profile.id));
                    }}
                  >
                    {t('admin.profiles.masterKeys')}
                  </Button>
                </Group>
              </Table.Td>
            </Table.Tr>
          ))}
        </ListTable>
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
      const body = bodyOf(draft);
      return profile ? api.updateProfile(profile.id, body) : api.createProfile(body);
    },
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: ['profiles'] });
      void queryClient.invalidateQueries({ queryKey: ['user'] });
      onClose();
    },
  });
  const errors = draftErrors(draft);
  const missing = canSave(draft)
    ? null
    : (stillNeeded([draft.name.trim() === '' && t('admin.profiles.name').toLowerCase()]) ??
      t('form.fixFields'));
  const say = (key: MessageKey | null) => (key ? t(key) : null);
  const number = (value: string | number, fallback: number) => (typeof value === 'number' ? value : fallback);
  return (
    <FormDialog
      title={profile ? `${t('admin.profiles.edit')}: ${profile.name}` : t('admin.profiles.create')}
      size="lg"
      onClose={onClose}
      action={save}
      missing={missing}
      submitLabel={t('admin.profiles.save')}
    >
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
        <Text size="xs" mb="xs">
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
          description={t('admin.profiles.maxPinAttemptsHelp')}
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
          error={say(errors.pinRules)}
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
      <fieldset style={{ border: 0, padding: 0, margin: 0 }}>
        <Text component="legend" fw={500} size="sm">
          {t('admin.profiles.securityQuestions')}
        </Text>
        <Text size="xs" c="dimmed" mb="xs">
          {t('admin.profiles.securityQuestionsHelp')}
        </Text>
        <Stack gap="sm">
          <Group grow align="flex-start">
            <NumberInput
              label={t('admin.profiles.sqRequired')}
              description={t('admin.profiles.sqRequiredHelp')}
              value={draft.answersRequired}
              onChange={(value) => {
                set('answersRequired', number(value, 3));
              }}
              min={1}
              max={10}
              allowDecimal={false}
            />
            <NumberInput
              label={t('admin.profiles.sqAsked')}
              description={t('admin.profiles.sqAskedHelp')}
              value={draft.questionsAsked}
              onChange={(value) => {
                set('questionsAsked', number(value, 2));
              }}
              min={1}
              max={10}
              allowDecimal={false}
              error={say(errors.questionsAsked)}
            />
            <NumberInput
              label={t('admin.profiles.sqMaxFailed')}
              description={t('admin.profiles.sqMaxFailedHelp')}
              value={draft.maxFailedAnswers}
              onChange={(value) => {
                set('maxFailedAnswers', number(value, 5));
              }}
              min={1}
              max={20}
              allowDecimal={false}
            />
          </Group>
          <Switch
            label={t('admin.profiles.sqValidate')}
            description={t('admin.profiles.sqValidateHelp')}
            checked={draft.operatorsCheckAnswers}
            onChange={(event) => {
              set('operatorsCheckAnswers', event.currentTarget.checked);
            }}
          />
          <Switch
            label={t('admin.profiles.ssoStepUp')}
            description={t('admin.profiles.ssoStepUpHelp')}
            checked={draft.ssoStepUp}
            onChange={(event) => {
              set('ssoStepUp', event.currentTarget.checked);
            }}
          />
        </Stack>
      </fieldset>
    </FormDialog>
  );
}
