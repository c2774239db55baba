import {
  Alert,
  Badge,
  Button,
  Group,
  List,
  Radio,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { AdminKeySource, MasterCustody, MasterKeyList, Profile } from '@cardwarden/contract';
import { operatorEndpoints as api } from '../../api/operator-api.js';
import { ChoiceSelect } from '../../components/ChoiceSelect.js';
import { ErrorAlert } from '../../components/ErrorAlert.js';
import { SavedNotice } from '../../components/SavedNotice.js';
import { FormDialog } from '../../components/FormDialog.js';
import { PageTitle } from '../../components/PageTitle.js';
import { t } from '../../i18n/index.js';
import { navigate, useLocation } from '../../router/router.js';
import { ListTable } from '../../components/ListTable.js';

/** The page of one profile's master keys (the profiles list links to it the same way). */
const masterKeysPath = (profileId: string): string =>
  `/admin/master-keys?profile=${encodeURIComponent(profileId)}`;

const SOURCES: readonly AdminKeySource[] = ['random', 'derived'];

/**
 * Master keys, per card profile: where its cards' admin keys come from (random per card, or derived
 * from the profile's master), the master versions (created when, where each lives, how many cards use
 * it; never a key), and rotation, confirmed with what it does and does not change.
 */
export default function MasterKeysPage() {
  const { search } = useLocation();
  const profiles = useQuery({ queryKey: ['profiles'], queryFn: api.profiles });
  const items = profiles.data?.items ?? [];
  const wanted = search.get('profile');
  const profile = items.find((p) => p.id === wanted) ?? items[0];
  return (
    <Stack>
      <PageTitle title={t('admin.masters.title')} />
      <Text size="sm">{t('admin.masters.intro')}</Text>
      <ErrorAlert error={profiles.error} />
      {profiles.data && items.length === 0 && <Text>{t('admin.masters.noProfiles')}</Text>}
      {profile && (
        <>
          <ChoiceSelect
            label={t('admin.masters.profile')}
            data={items.map((p) => ({ value: p.id, label: p.name }))}
            value={profile.id}
            onChange={(id) => {
              navigate(masterKeysPath(id), { replace: true });
            }}
            maw={360}
          />
          {/* Keyed by the profile: a dialog or notice of one profile never shows under another. */}
          <ProfileKeys key={profile.id} profile={profile} />
        </>
      )}
    </Stack>
  );
}

function ProfileKeys({ profile }: { profile: Profile }) {
  const queryClient = useQueryClient();
  const masters = useQuery({ queryKey: ['masters', profile.id], queryFn: () => api.masters(profile.id) });
  const [changingTo, setChangingTo] = useState<AdminKeySource | null>(null);
  const [rotating, setRotating] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  return (
    <Stack>
      {notice && (
        <SavedNotice
          onClose={() => {
            setNotice(null);
          }}
        >
          {notice}
        </SavedNotice>
      )}
      <Radio.Group
        label={t('admin.masters.sourceTitle')}
        labelProps={{ fz: 'lg', fw: 700, mb: 'xs' }}
        value={profile.adminKeySource}
        onChange={(value) => {
          const chosen = SOURCES.find((source) => source === value);
          if (chosen && chosen !== profile.adminKeySource) {
            setNotice(null);
            setChangingTo(chosen);
          }
        }}
      >
        <Stack gap="xs">
          {SOURCES.map((source) => (
            <Radio
              key={source}
              value={source}
              label={t(`admin.masters.source.${source}`)}
              description={t(`admin.masters.source.${source}Help`)}
            />
          ))}
        </Stack>
      </Radio.Group>

      <Group justify="space-between" mt="md">
        <Title order={2} size="h3">
          {t('admin.masters.versionsTitle')}
        </Title>
        {masters.data && (
          <Button
            variant="light"
            onClick={() => {
              setNotice(null);
              setRotating(true);
            }}
          >
            {masters.data.items.length === 0 ? t('admin.masters.create') : t('admin.masters.rotate')}
          </Button>
        )}
      </Group>
      <ErrorAlert error={masters.error} />
      {masters.data && <Versions list={masters.data} />}

      {changingTo && (
        <KeySourceDialog
          profile={profile}
          to={changingTo}
          onClose={() => {
            setChangingTo(null);
          }}
          onDone={() => {
            setChangingTo(null);
            setNotice(t('admin.masters.sourceChanged'));
            void queryClient.invalidateQueries({ queryKey: ['profiles'] });
          }}
        />
      )}
      {rotating && masters.data && (
        <RotateDialog
          profile={profile}
          list={masters.data}
          onClose={() => {
            setRotating(false);
          }}
          onDone={(version) => {
            setRotating(false);
            setNotice(t('admin.masters.rotated', { version }));
            void queryClient.invalidateQueries({ queryKey: ['masters', profile.id] });
          }}
        />
      )}
    </Stack>
  );
}

function Versions({ list }: { list: MasterKeyList }) {
  return (
    <Stack gap="xs">
      <Text size="sm">{t(`admin.masters.newCustody.${list.newVersionCustody}`)}</Text>
      {list.items.length === 0 ? (
        <Text>{t('admin.masters.none')}</Text>
      ) : (
        <ListTable
          label={t('admin.masters.versionsTitle')}
          verticalSpacing="sm"
          columns={[
            t('admin.masters.col.version'),
            t('admin.masters.col.state'),
            t('admin.masters.col.created'),
            t('admin.masters.col.custody'),
            t('admin.masters.col.checkValue'),
            t('admin.masters.col.cards'),
          ]}
        >
          {/* Newest first: the current version leads. */}
          {[...list.items].reverse().map((master) => (
            <Table.Tr key={master.id}>
              <Table.Td fw={600}>{master.version}</Table.Td>
              <Table.Td>
                <Badge color={master.current ? 'green' : 'gray'} variant="light">
                  {master.current ? t('admin.masters.current') : t('admin.masters.retired')}
                </Badge>
              </Table.Td>
              <Table.Td>{new Date(master.createdAt).toLocaleString()}</Table.Td>
              <Table.Td>{t(`admin.masters.custody.${master.custody}`)}</Table.Td>
              <Table.Td ff="monospace">{master.checkValue}</Table.Td>
              <Table.Td>{master.cardCount.toLocaleString('en')}</Table.Td>
            </Table.Tr>
          ))}
        </ListTable>
      )}
    </Stack>
  );
}

function KeySourceDialog({
  profile,
  to,
  onClose,
  onDone,
}: {
  profile: Profile;
  to: AdminKeySource;
  onClose: () => void;
  onDone: () => void;
}) {
  const change = useMutation({
    mutationFn: () => api.updateProfile(profile.id, { adminKeySource: to }),
    onSuccess: onDone,
  });
  return (
    <FormDialog
      title={t('admin.masters.sourceChangeTitle', { profile: profile.name })}
      onClose={onClose}
      action={change}
      submitLabel={t('admin.masters.sourceChangeConfirm')}
    >
      <Text fw={600}>{t(`admin.masters.source.${to}`)}</Text>
      <Text>{t(`admin.masters.sourceChangeText.${to}`)}</Text>
    </FormDialog>
  );
}

function RotateDialog({
  profile,
  list,
  onClose,
  onDone,
}: {
  profile: Profile;
  list: MasterKeyList;
  onClose: () => void;
  onDone: (version: number) => void;
}) {
  const [reason, setReason] = useState('');
  const rotate = useMutation({
    mutationFn: () => api.rotateMaster(profile.id, reason.trim() || undefined),
    onSuccess: (master) => {
      onDone(master.version);
    },
  });
  const first = list.items.length === 0;
  const version = Math.max(0, ...list.items.map((m) => m.version)) + 1;
  const issued = list.items.reduce((sum, m) => sum + m.cardCount, 0);
  const where: MasterCustody = list.newVersionCustody;
  return (
    <FormDialog
      title={t(first ? 'admin.masters.createTitle' : 'admin.masters.rotateTitle', { profile: profile.name })}
      onClose={onClose}
      action={rotate}
      submitLabel={t(first ? 'admin.masters.createConfirm' : 'admin.masters.rotateConfirm')}
    >
      <List spacing="xs" size="sm">
        <List.Item>
          {t('admin.masters.rotateNew', { version, where: t(`admin.masters.where.${where}`) })}
        </List.Item>
        <List.Item>{t('admin.masters.rotateNewCards', { version })}</List.Item>
        {!first && (
          <List.Item>
            {t('admin.masters.rotateOldCards', { count: issued.toLocaleString('en'), version })}
          </List.Item>
        )}
        <List.Item>{t('admin.masters.rotateNothingBreaks')}</List.Item>
      </List>
      {profile.adminKeySource === 'random' && (
        <Alert color="yellow" variant="light">
          {t('admin.masters.rotateRandom')}
        </Alert>
      )}
      <TextInput
        label={t('admin.masters.reason')}
        description={t('admin.masters.reasonHelp')}
        value={reason}
        onChange={(event) => {
          setReason(event.currentTarget.value);
        }}
        maxLength={500}
        data-autofocus
      />
    </FormDialog>
  );
}
