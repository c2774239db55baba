import {
  Alert,
  Button,
  Code,
  CopyButton,
  Group,
  PasswordInput,
  Stack,
  Table,
  Text,
  TextInput,
} from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { Operator, OperatorRole, OperatorState } from '@cardwarden/contract';
import { OPERATOR_ROLES } from '@cardwarden/contract/enums';
import { operatorEndpoints as api } from '../../api/operator-api.js';
import { secondFactorEndpoints, sessionCall } from '../../api/second-factor-api.js';
import { ChoiceSelect } from '../../components/ChoiceSelect.js';
import { AppModal } from '../../components/AppModal.js';
import { FormDialog } from '../../components/FormDialog.js';
import { stillNeeded } from '../../components/still-needed.js';
import { ErrorAlert } from '../../components/ErrorAlert.js';
import { StateBadge } from '../../components/StateBadge.js';
import { PageTitle } from '../../components/PageTitle.js';
import { t } from '../../i18n/index.js';
import { ListTable } from '../../components/ListTable.js';

const secondFactors = secondFactorEndpoints(sessionCall);
const roleOptions = () => OPERATOR_ROLES.map((value) => ({ value, label: t(`role.${value}`) }));

/** Operators and their roles: create, change role, disable or enable, reset a forgotten password. */
export default function OperatorsPage() {
  const queryClient = useQueryClient();
  const operators = useQuery({ queryKey: ['operators'], queryFn: api.operators });
  const [creating, setCreating] = useState(false);
  const [resetting, setResetting] = useState<Operator | null>(null);
  const [resettingFactor, setResettingFactor] = useState<Operator | null>(null);
  const factors = useQuery({ queryKey: ['second-factors'], queryFn: secondFactors.everyone });
  const factorsOf = (id: string) => factors.data?.items.find((item) => item.operatorId === id);
  const factorText = (id: string): string => {
    const f = factorsOf(id);
    if (!f) return '';
    const parts = [
      ...(f.totp ? [t('admin.operators.sfTotp')] : []),
      ...(f.passkeys > 0 ? [t('admin.operators.sfPasskeys', { count: f.passkeys })] : []),
    ];
    if (parts.length > 0) return parts.join(', ');
    return f.required ? t('admin.operators.sfMissing') : t('admin.operators.sfNone');
  };
  const update = useMutation({
    mutationFn: ({ id, role, state }: { id: string; role?: OperatorRole; state?: OperatorState }) =>
      api.updateOperator(id, { ...(role ? { role } : {}), ...(state ? { state } : {}) }),
    onSettled: () => queryClient.invalidateQueries({ queryKey: ['operators'] }),
  });
  return (
    <Stack>
      <PageTitle
        title={t('admin.operators.title')}
        action={
          <Button
            onClick={() => {
              setCreating(true);
            }}
          >
            {t('admin.operators.create')}
          </Button>
        }
      />
      <ErrorAlert error={operators.error} />
      <ErrorAlert error={update.error} />
      {operators.data && (
        <ListTable
          label={t('admin.operators.title')}
          verticalSpacing="xs"
          columns={[
            t('col.username'),
            t('col.role'),
            t('col.state'),
            t('col.source'),
            t('admin.operators.secondFactor'),
            t('col.created'),
            t('col.actions'),
          ]}
        >
          {operators.data.items.map((operator) => (
            <Table.Tr key={operator.id}>
              <Table.Td fw={600}>{operator.username}</Table.Td>
              <Table.Td>
                {/* A directory staff member's role and state follow their groups: read-only here. */}
                {operator.source === 'directory' ? (
                  t(`role.${operator.role}`)
                ) : (
                  <ChoiceSelect
                    aria-label={t('admin.operators.changeRole', { username: operator.username })}
                    size="xs"
                    w={140}
                    value={operator.role}
                    data={roleOptions()}
                    onChange={(value) => {
                      if (value !== operator.role) update.mutate({ id: operator.id, role: value });
                    }}
                  />
                )}
              </Table.Td>
              <Table.Td>
                <StateBadge state={operator.state} />
              </Table.Td>
              <Table.Td>
                {operator.singleSignOn
                  ? t('source.withSso', { source: t(`source.${operator.source}`) })
                  : t(`source.${operator.source}`)}
              </Table.Td>
              <Table.Td>{factorText(operator.id)}</Table.Td>
              <Table.Td>{new Date(operator.createdAt).toLocaleDateString()}</Table.Td>
              <Table.Td>
                <Group gap={4} wrap="nowrap">
                  {operator.source === 'directory' && <Text size="sm">{t('directory.managed')}</Text>}
                  {operator.source === 'local' && operator.state === 'active' && (
                    <Button
                      size="xs"
                      variant="light"
                      color="orange"
                      aria-label={`${t('admin.operators.disable')} ${operator.username}`}
                      onClick={() => {
                        update.mutate({ id: operator.id, state: 'disabled' });
                      }}
                    >
                      {t('admin.operators.disable')}
                    </Button>
                  )}
                  {operator.source === 'local' && operator.state !== 'active' && (
                    <Button
                      size="xs"
                      variant="light"
                      color="green"
                      aria-label={`${t('admin.operators.enable')} ${operator.username}`}
                      onClick={() => {
                        update.mutate({ id: operator.id, state: 'active' });
                      }}
                    >
                      {t('admin.operators.enable')}
                    </Button>
                  )}
                  {operator.source === 'local' && (
                    <Button
                      size="xs"
                      variant="subtle"
                      aria-label={t('admin.operators.resetPasswordOf', { username: operator.username })}
                      onClick={() => {
                        setResetting(operator);
                      }}
                    >
                      {t('admin.operators.resetPassword')}
                    </Button>
                  )}
                  {(factorsOf(operator.id)?.totp === true || (factorsOf(operator.id)?.passkeys ?? 0) > 0) && (
                    <Button
                      size="xs"
                      variant="subtle"
                      color="orange"
                      aria-label={t('admin.operators.sfResetOf', { username: operator.username })}
                      onClick={() => {
                        setResettingFactor(operator);
                      }}
                    >
                      {t('admin.operators.sfReset')}
                    </Button>
                  )}
                </Group>
              </Table.Td>
            </Table.Tr>
          ))}
        </ListTable>
      )}
      {resetting && (
        <ResetPasswordDialog
          operator={resetting}
          onClose={() => {
            setResetting(null);
          }}
        />
      )}
      {resettingFactor && (
        <ResetSecondFactorDialog
          operator={resettingFactor}
          onClose={() => {
            setResettingFactor(null);
            void queryClient.invalidateQueries({ queryKey: ['second-factors'] });
          }}
        />
      )}
      {creating && (
        <CreateOperatorForm
          onClose={() => {
            setCreating(false);
          }}
          onSaved={() => {
            setCreating(false);
            void queryClient.invalidateQueries({ queryKey: ['operators'] });
          }}
        />
      )}
    </Stack>
  );
}

function CreateOperatorForm({ onClose, onSaved }: { onClose: () => void; onSaved: () => void }) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [role, setRole] = useState<OperatorRole>('operator');
  const save = useMutation({
    mutationFn: () => api.createOperator({ username: username.trim(), password, role }),
    onSuccess: onSaved,
  });
  return (
    <FormDialog
      title={t('admin.operators.create')}
      onClose={onClose}
      action={save}
      missing={stillNeeded([
        !username.trim() && t('admin.operators.username'),
        password.length < 12 && t('form.passwordLength'),
      ])}
      submitLabel={t('admin.operators.save')}
    >
      <TextInput
        label={t('admin.operators.username')}
        value={username}
        onChange={(e) => {
          setUsername(e.currentTarget.value);
        }}
        required
        autoComplete="off"
      />
      <PasswordInput
        label={t('admin.operators.password')}
        description={t('admin.operators.passwordHelp')}
        value={password}
        onChange={(e) => {
          setPassword(e.currentTarget.value);
        }}
        autoComplete="new-password"
        required
      />
      <ChoiceSelect label={t('admin.operators.role')} value={role} onChange={setRole} data={roleOptions()} />
    </FormDialog>
  );
}

/**
 * Resets another operator's password: asks first, then shows the one-time password once, with a copy
 * button. The operator must choose a new one at their next sign-in; their sign-ins end now.
 */
function ResetPasswordDialog({ operator, onClose }: { operator: Operator; onClose: () => void }) {
  const reset = useMutation({ mutationFn: () => api.resetOperatorPassword(operator.id) });
  const name = { username: operator.username };
  if (reset.data) {
    const { oneTimePassword } = reset.data;
    return (
      <AppModal onClose={onClose} title={t('admin.operators.oneTimeTitle', name)} size="lg">
        <Stack>
          <Text>{t('admin.operators.oneTimeIntro', name)}</Text>
          <Group gap="sm">
            <Code fz="lg" aria-label={t('admin.operators.oneTimePassword')} data-testid="one-time-password">
              {oneTimePassword}
            </Code>
            <CopyButton value={oneTimePassword}>
              {({ copied, copy }) => (
                <Button size="xs" variant="light" onClick={copy}>
                  {copied ? t('unblock.copied') : t('admin.operators.copyPassword')}
                </Button>
              )}
            </CopyButton>
          </Group>
          <Alert color="orange" variant="light">
            {t('admin.operators.oneTimeWarning', name)}
          </Alert>
          <Group justify="flex-end">
            <Button onClick={onClose}>{t('common.close')}</Button>
          </Group>
        </Stack>
      </AppModal>
    );
  }
  return (
    <FormDialog
      title={t('admin.operators.resetTitle', name)}
      onClose={onClose}
      action={reset}
      submitColor="orange"
      submitLabel={t('admin.operators.resetConfirm')}
    >
      <Text>{t('admin.operators.resetText', name)}</Text>
    </FormDialog>
  );
}

/** Removes an operator's second factors (lost phone or key), with the reason the audit log keeps. */
function ResetSecondFactorDialog({ operator, onClose }: { operator: Operator; onClose: () => void }) {
  const [reason, setReason] = useState('');
  const reset = useMutation({
    mutationFn: () => secondFactors.reset(operator.id, reason.trim()),
    onSuccess: onClose,
  });
  const name = { username: operator.username };
  return (
    <FormDialog
      title={t('admin.operators.sfResetTitle', name)}
      onClose={onClose}
      action={reset}
      submitColor="orange"
      missing={stillNeeded([reason.trim().length < 3 && t('admin.operators.sfReason')])}
      submitLabel={t('admin.operators.sfResetConfirm')}
    >
      <Text>{t('admin.operators.sfResetText', name)}</Text>
      <TextInput
        label={t('admin.operators.sfReason')}
        value={reason}
        onChange={(e) => {
          setReason(e.currentTarget.value);
        }}
        required
        maxLength={500}
      />
    </FormDialog>
  );
}
