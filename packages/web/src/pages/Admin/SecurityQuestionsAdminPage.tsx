import { Button, Group, Paper, Stack, Switch, Table, Text, TextInput } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type SyntheticEvent } from 'react';
import type { SecurityQuestion } from '@cardwarden/contract';
import { operatorEndpoints as api } from '../../api/operator-api.js';
import { FormDialog } from '../../components/FormDialog.js';
import { SavedNotice } from '../../components/SavedNotice.js';
import { ErrorAlert } from '../../components/ErrorAlert.js';
import { StateBadge } from '../../components/StateBadge.js';
import { PageTitle } from '../../components/PageTitle.js';
import { t } from '../../i18n/index.js';
import { MAX_QUESTION_LENGTH, MIN_QUESTION_LENGTH } from '../SelfService/security-answers-form.js';
import { ListTable } from '../../components/ListTable.js';

const QUERY_KEY = ['security-questions'] as const;

/** A question's text as typed, or the reason it cannot be saved yet (null while empty). */
function textError(text: string): string | null {
  const trimmed = text.trim();
  return trimmed !== '' && trimmed.length < MIN_QUESTION_LENGTH ? t('admin.questions.tooShort') : null;
}

/** The security question catalogue: add, reword, retire or restore; may cardholders write their own. */
export default function SecurityQuestionsAdminPage() {
  const queryClient = useQueryClient();
  const questions = useQuery({ queryKey: QUERY_KEY, queryFn: api.securityQuestions });
  const [newText, setNewText] = useState('');
  const [added, setAdded] = useState(false);
  const [rewording, setRewording] = useState<SecurityQuestion | null>(null);
  const refresh = () => queryClient.invalidateQueries({ queryKey: QUERY_KEY });
  const add = useMutation({
    mutationFn: () => api.createSecurityQuestion(newText.trim()),
    onSuccess: async () => {
      setNewText('');
      setAdded(true);
      await refresh();
    },
  });
  const setActive = useMutation({
    mutationFn: ({ id, active }: { id: string; active: boolean }) =>
      api.updateSecurityQuestion(id, { active }),
    onMutate: () => {
      setAdded(false);
    },
    onSettled: refresh,
  });
  const allowCustom = useMutation({
    mutationFn: api.setCustomQuestionsAllowed,
    onSettled: refresh,
  });
  const submit = (event: SyntheticEvent) => {
    event.preventDefault();
    if (newText.trim().length >= MIN_QUESTION_LENGTH) add.mutate();
  };
  const allowed = allowCustom.isPending ? allowCustom.variables : questions.data?.allowCustom;
  return (
    <Stack>
      <PageTitle title={t('admin.questions.title')} />
      <Text size="sm" c="dimmed">
        {t('admin.questions.intro')}
      </Text>
      <ErrorAlert error={questions.error} />
      {questions.data && (
        <Switch
          label={t('admin.questions.allowCustom')}
          description={t('admin.questions.allowCustomHelp')}
          checked={allowed ?? false}
          disabled={allowCustom.isPending}
          onChange={(event) => {
            allowCustom.mutate(event.currentTarget.checked);
          }}
        />
      )}
      <ErrorAlert error={allowCustom.error} />
      <Paper withBorder p="md">
        <form onSubmit={submit}>
          <Group align="flex-start">
            <TextInput
              style={{ flex: 1 }}
              label={t('admin.questions.new')}
              description={t('admin.questions.textHelp')}
              value={newText}
              onChange={(event) => {
                setAdded(false);
                setNewText(event.currentTarget.value);
              }}
              error={textError(newText)}
              maxLength={MAX_QUESTION_LENGTH}
              autoComplete="off"
            />
            <Button
              type="submit"
              mt={46}
              loading={add.isPending}
              disabled={newText.trim().length < MIN_QUESTION_LENGTH}
            >
              {t('admin.questions.add')}
            </Button>
          </Group>
        </form>
      </Paper>
      {added && (
        <SavedNotice
          onClose={() => {
            setAdded(false);
          }}
        >
          {t('admin.questions.added')}
        </SavedNotice>
      )}
      <ErrorAlert error={add.error} />
      <ErrorAlert error={setActive.error} />
      {questions.data?.items.length === 0 && <Text>{t('admin.questions.none')}</Text>}
      {questions.data && questions.data.items.length > 0 && (
        <>
          <Text size="sm" c="dimmed">
            {t('admin.questions.retireHelp')}
          </Text>
          <ListTable
            label={t('admin.questions.title')}
            verticalSpacing="xs"
            columns={[t('col.question'), t('col.state'), t('col.created'), t('col.actions')]}
          >
            {questions.data.items.map((question) => (
              <Table.Tr key={question.id}>
                <Table.Td>{question.text}</Table.Td>
                <Table.Td>
                  <StateBadge state={question.active ? 'active' : 'retired'} />
                </Table.Td>
                <Table.Td>{new Date(question.createdAt).toLocaleDateString()}</Table.Td>
                <Table.Td>
                  <Group gap={4} wrap="nowrap">
                    <Button
                      size="xs"
                      variant="light"
                      aria-label={`${t('admin.questions.reword')}: ${question.text}`}
                      onClick={() => {
                        setAdded(false);
                        setRewording(question);
                      }}
                    >
                      {t('admin.questions.reword')}
                    </Button>
                    <Button
                      size="xs"
                      variant="light"
                      color={question.active ? 'orange' : 'green'}
                      aria-label={`${t(question.active ? 'admin.questions.retire' : 'admin.questions.restore')}: ${question.text}`}
                      loading={setActive.isPending && setActive.variables.id === question.id}
                      onClick={() => {
                        setActive.mutate({ id: question.id, active: !question.active });
                      }}
                    >
                      {t(question.active ? 'admin.questions.retire' : 'admin.questions.restore')}
                    </Button>
                  </Group>
                </Table.Td>
              </Table.Tr>
            ))}
          </ListTable>
        </>
      )}
      {rewording && (
        <RewordForm
          question={rewording}
          onClose={() => {
            setRewording(null);
          }}
          onSaved={() => {
            setRewording(null);
            void refresh();
          }}
        />
      )}
    </Stack>
  );
}

function RewordForm({
  question,
  onClose,
  onSaved,
}: {
  question: SecurityQuestion;
  onClose: () => void;
  onSaved: () => void;
}) {
  const [text, setText] = useState(question.text);
  const save = useMutation({
    mutationFn: () => api.updateSecurityQuestion(question.id, { text: text.trim() }),
    onSuccess: onSaved,
  });
  const ok = text.trim().length >= MIN_QUESTION_LENGTH;
  return (
    <FormDialog
      title={t('admin.questions.reword')}
      size="lg"
      onClose={onClose}
      action={save}
      missing={ok ? null : t('admin.questions.tooShort')}
      submitLabel={t('admin.questions.save')}
    >
      <TextInput
        label={t('admin.questions.text')}
        description={t('admin.questions.rewordHelp')}
        value={text}
        onChange={(event) => {
          setText(event.currentTarget.value);
        }}
        error={textError(text)}
        maxLength={MAX_QUESTION_LENGTH}
        required
        data-autofocus
      />
    </FormDialog>
  );
}
