import { Button, Group, PasswordInput, Stack, Table, Text, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { User, UserState } from '@cardwarden/contract';
import { operatorEndpoints as api } from '../../api/operator-api.js';
import { ChoiceSelect } from '../../components/ChoiceSelect.js';
import { FormDialog } from '../../components/FormDialog.js';
import { SavedNotice } from '../../components/SavedNotice.js';
import { ErrorAlert } from '../../components/ErrorAlert.js';
import { UserLink } from '../../components/RecordLink.js';
import { StateBadge } from '../../components/StateBadge.js';
import { PageTitle } from '../../components/PageTitle.js';
import { t } from '../../i18n/index.js';
import { ListTable } from '../../components/ListTable.js';

type Dialog =
  | { kind: 'new' }
  | { kind: 'edit'; user: User }
  | { kind: 'password'; user: User }
  | { kind: 'suspend'; user: User };

/** Users (cardholders): create, edit, suspend, and set their self-service password. */
export default function UsersAdminPage() {
  const queryClient = useQueryClient();
  const [q, setQ] = useState('');
  const [debounced] = useDebouncedValue(q.trim(), 200);
  const users = useQuery({
    queryKey: ['users', 'admin', debounced],
    queryFn: () => api.searchUsers(debounced),
    placeholderData: keepPreviousData,
  });
  const [dialog, setDialog] = useState<Dialog | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const setState = useMutation({
    mutationFn: ({ id, state }: { id: string; state: UserState }) => api.updateUser(id, { state }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['users'] }),
  });
  const done = (message: string) => {
    setDialog(null);
    setSaved(message);
    void queryClient.invalidateQueries({ queryKey: ['users'] });
    void queryClient.invalidateQueries({ queryKey: ['user'] });
  };
  return (
    <Stack>
      <PageTitle
        title={t('admin.users.title')}
        action={
          <Button
            onClick={() => {
              setSaved(null);
              setDialog({ kind: 'new' });
            }}
          >
            {t('admin.users.create')}
          </Button>
        }
      />
      <TextInput
        label={t('admin.users.filter')}
        description={t('lookup.description')}
        value={q}
        onChange={(event) => {
          setQ(event.currentTarget.value);
        }}
        type="search"
      />
      {saved && (
        <SavedNotice
          onClose={() => {
            setSaved(null);
          }}
        >
          {saved}
        </SavedNotice>
      )}
      <ErrorAlert error={users.error} />
      <ErrorAlert error={setState.error} />
      {users.data && (
        <ListTable
          label={t('admin.users.title')}
          verticalSpacing="xs"
          columns={[
            t('col.username'),
            t('col.name'),
            t('col.email'),
            t('col.state'),
            t('col.source'),
            t('user.selfService'),
            t('col.actions'),
          ]}
        >
          {users.data.items.map((user) => (
            <Table.Tr key={user.id}>
              <Table.Td>
                <UserLink id={user.id}>{user.username}</UserLink>
              </Table.Td>
              <Table.Td>{user.displayName}</Table.Td>
              <Table.Td>{user.email}</Table.Td>
              <Table.Td>
                <StateBadge state={user.state} />
              </Table.Td>
              <Table.Td>{t(`source.${user.source}`)}</Table.Td>
              <Table.Td>
                {user.source === 'directory'
                  ? t('user.selfServiceDirectory')
                  : user.selfServicePassword
                    ? t('user.selfServiceYes')
                    : t('user.selfServiceNo')}
              </Table.Td>
              <Table.Td>
                <Group gap={4} wrap="nowrap">
                  <Button
                    size="xs"
                    variant="light"
                    aria-label={`${t('admin.users.edit')} ${user.username}`}
                    onClick={() => {
                      setSaved(null);
                      setDialog({ kind: 'edit', user });
                    }}
                  >
                    {t('admin.users.edit')}
                  </Button>
                  {user.state === 'active' ? (
                    <Button
                      size="xs"
                      variant="light"
                      color="orange"
                      aria-label={`${t('admin.users.suspend')} ${user.username}`}
                      onClick={() => {
                        setSaved(null);
                        setDialog({ kind: 'suspend', user });
                      }}
                    >
                      {t('admin.users.suspend')}
                    </Button>
                  ) : (
                    <Button
                      size="xs"
                      variant="light"
                      color="green"
                      aria-label={`${t('admin.users.activate')} ${user.username}`}
                      onClick={() => {
                        setState.mutate({ id: user.id, state: 'active' });
                      }}
                    >
                      {t('admin.users.activate')}
                    </Button>
                  )}
                  {/* A directory user's password is the directory's. */}
                  {user.source === 'local' && (
                    <Button
                      size="xs"
                      variant="subtle"
                      aria-label={`${t('admin.users.setPassword')}: ${user.username}`}
                      onClick={() => {
                        setSaved(null);
                        setDialog({ kind: 'password', user });
                      }}
                    >
                      {t('admin.users.setPassword')}
                    </Button>
                  )}
                </Group>
              </Table.Td>
            </Table.Tr>
          ))}
        </ListTable>
      )}
      {dialog?.kind === 'new' && (
        <UserForm
          user={null}
          onClose={() => {
            setDialog(null);
          }}
          onSaved={() => {
            done(t('admin.users.saved'));
          }}
        />
      )}
      {dialog?.kind === 'edit' && (
        <UserForm
          user={dialog.user}
          onClose={() => {
            setDialog(null);
          }}
          onSaved={() => {
            done(t('admin.users.saved'));
          }}
        />
      )}
      {dialog?.kind === 'suspend' && (
        <FormDialog
          title={t('admin.users.suspendTitle', { name: dialog.user.displayName })}
          onClose={() => {
            setDialog(null);
          }}
          onSubmit={() => {
            setState.mutate(
              { id: dialog.user.id, state: 'suspended' },
              {
                onSuccess: () => {
                  done(t('admin.users.suspended', { username: dialog.user.username }));
                },
              },
            );
          }}
          submitting={setState.isPending}
          submitColor="orange"
          error={setState.error}
          submitLabel={t('admin.users.suspend')}
        >
          <Text>{t('admin.users.suspendText')}</Text>
        </FormDialog>
      )}
      {dialog?.kind === 'password' && (
        <PasswordForm
          user={dialog.user}
          onClose={() => {
            setDialog(null);
          }}
          onSaved={() => {
            done(t('admin.users.passwordSaved'));
          }}
        />
      )}
    </Stack>
  );
}

function UserForm({
  user,
  onClose,
  onSaved,
}: {
  user: User | null;
  onClose: () => void;
  onSaved: () => void;
}) {
  const [username, setUsername] = useState(user?.username ?? '');
  const [displayName, setDisplayName] = useState(user?.displayName ?? '');
  const [email, setEmail] = useState(user?.email ?? '');
  const [state, setState] = useState<UserState>(user?.state ?? 'active');
  // Synced fields of a directory user are the directory's: shown, not editable (the API refuses them).
  const managed = user?.source === 'directory';
  const save = useMutation({
    mutationFn: async () => {
      if (user && managed) await api.updateUser(user.id, { state });
      else if (user)
        await api.updateUser(user.id, { displayName: displayName.trim(), email: email.trim(), state });
      else
        await api.createUser({
          username: username.trim(),
          displayName: displayName.trim(),
          email: email.trim(),
        });
    },
    onSuccess: onSaved,
  });
  return (
    <FormDialog
      title={user ? `${t('admin.users.edit')}: ${user.username}` : t('admin.users.create')}
      onClose={onClose}
      action={save}
      submitLabel={t('admin.users.save')}
    >
      <TextInput
        label={t('admin.users.username')}
        value={username}
        onChange={(e) => {
          setUsername(e.currentTarget.value);
        }}
        disabled={user !== null}
        required
        autoComplete="off"
      />
      {managed && <Text size="sm">{t('directory.managed')}</Text>}
      <TextInput
        label={t('admin.users.displayName')}
        disabled={managed}
        value={displayName}
        onChange={(e) => {
          setDisplayName(e.currentTarget.value);
        }}
        required
      />
      <TextInput
        label={t('admin.users.email')}
        disabled={managed}
        type="email"
        value={email}
        onChange={(e) => {
          setEmail(e.currentTarget.value);
        }}
        required
      />
      {user && (
        <ChoiceSelect
          label={t('admin.users.state')}
          value={state}
          onChange={setState}
          data={(['active', 'suspended', 'deleted'] as const).map((value) => ({
            value,
            label: t(`state.${value}`),
          }))}
        />
      )}
    </FormDialog>
  );
}

function PasswordForm({ user, onClose, onSaved }: { user: User; onClose: () => void; onSaved: () => void }) {
  const [password, setPassword] = useState('');
  const save = useMutation({ mutationFn: () => api.setUserPassword(user.id, password), onSuccess: onSaved });
  const tooShort = password.length > 0 && password.length < 12;
  return (
    <FormDialog
      title={`${t('admin.users.setPassword')}: ${user.username}`}
      onClose={onClose}
      action={save}
      missing={password.length < 12 ? t('form.passwordLength') : null}
      submitLabel={t('admin.users.savePassword')}
    >
      <PasswordInput
        label={t('admin.users.newPassword')}
        description={t('admin.users.newPasswordHelp')}
        value={password}
        onChange={(e) => {
          setPassword(e.currentTarget.value);
        }}
        error={tooShort ? t('admin.users.newPasswordHelp') : null}
        autoComplete="new-password"
        required
      />
    </FormDialog>
  );
}
