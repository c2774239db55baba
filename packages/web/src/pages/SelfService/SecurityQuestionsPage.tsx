import {
  Alert,
  Badge,
  Button,
  CloseButton,
  Group,
  Paper,
  PasswordInput,
  Skeleton,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type SyntheticEvent } from 'react';
import type { MySecurityQuestions } from '@cardwarden/contract';
import { selfServiceEndpoints as api } from '../../api/self-service-api.js';
import { ChoiceSelect } from '../../components/ChoiceSelect.js';
import { SavedNotice } from '../../components/SavedNotice.js';
import { ErrorAlert } from '../../components/ErrorAlert.js';
import { PageTitle } from '../../components/PageTitle.js';
import { t, type MessageKey } from '../../i18n/index.js';
import {
  blankRow,
  checkRows,
  CUSTOM,
  initialRows,
  MAX_QUESTION_LENGTH,
  maxRows,
  toBody,
  type AnswerRow,
  type RowErrors,
} from './security-answers-form.js';
import { ListTable } from '../../components/ListTable.js';

const QUERY_KEY = ['self-service', 'security-answers'] as const;

/**
 * Security questions, for the cardholder: how many answers their cards need, which questions they
 * answered (when; never the answers), and a form that sets them all at once.
 */
export function SecurityQuestionsPage({ emailNotifications = false }: { emailNotifications?: boolean }) {
  const mine = useQuery({ queryKey: QUERY_KEY, queryFn: api.securityAnswers });
  const [saved, setSaved] = useState(false);
  return (
    <Stack>
      <PageTitle title={t('securityAnswers.title')} />
      <Text>{t('securityAnswers.intro')}</Text>
      <ErrorAlert error={mine.error} />
      {mine.isPending && <Skeleton h={160} />}
      {mine.data && (
        <>
          {mine.data.locked && (
            <Alert color="red" variant="light" title={t('securityAnswers.lockedTitle')} role="alert">
              {t('securityAnswers.locked')}
            </Alert>
          )}
          {saved && (
            <SavedNotice
              onClose={() => {
                setSaved(false);
              }}
            >
              {t(emailNotifications ? 'securityAnswers.savedEmail' : 'securityAnswers.saved')}
            </SavedNotice>
          )}
          <Text fw={500}>{t('securityAnswers.required', { required: mine.data.required })}</Text>
          <Answered my={mine.data} />
          {maxRows(mine.data) === 0 ? (
            <Text role="status">{t('securityAnswers.noQuestions')}</Text>
          ) : (
            <AnswersForm
              // A fresh form (its rows from the fresh answers) after each save.
              key={mine.dataUpdatedAt}
              my={mine.data}
              onSaved={() => {
                setSaved(true);
              }}
              onEdit={() => {
                setSaved(false);
              }}
            />
          )}
        </>
      )}
    </Stack>
  );
}

function Answered({ my }: { my: MySecurityQuestions }) {
  if (my.answered.length === 0) return <Text c="dimmed">{t('securityAnswers.noneAnswered')}</Text>;
  return (
    <Stack gap={4}>
      <Title order={2} size="h3">
        {t('securityAnswers.answered')}
      </Title>
      <ListTable
        label={t('securityAnswers.answered')}
        verticalSpacing="xs"
        columns={[t('col.question'), t('col.setAt')]}
      >
        {my.answered.map((answered) => (
          <Table.Tr key={answered.questionId}>
            <Table.Td>
              {answered.text}{' '}
              {answered.custom && (
                <Badge variant="light" color="gray" size="sm">
                  {t('securityAnswers.own')}
                </Badge>
              )}
            </Table.Td>
            <Table.Td style={{ whiteSpace: 'nowrap' }}>
              {new Date(answered.setAt).toLocaleDateString()}
            </Table.Td>
          </Table.Tr>
        ))}
      </ListTable>
    </Stack>
  );
}

function AnswersForm({
  my,
  onSaved,
  onEdit,
}: {
  my: MySecurityQuestions;
  onSaved: () => void;
  onEdit: () => void;
}) {
  const queryClient = useQueryClient();
  const [rows, setRows] = useState<AnswerRow[]>(() => initialRows(my));
  const [triedToSave, setTriedToSave] = useState(false);
  const check = checkRows(rows, my.required, triedToSave);
  const save = useMutation({
    mutationFn: () => api.setSecurityAnswers(toBody(rows)),
    onSuccess: async () => {
      onSaved();
      // The refetch re-creates this form (keyed by the data's time): the answers typed are gone.
      await queryClient.invalidateQueries({ queryKey: QUERY_KEY });
    },
  });
  const update = (key: number, changes: Partial<Omit<AnswerRow, 'key'>>) => {
    onEdit();
    save.reset();
    setRows((current) => current.map((row) => (row.key === key ? { ...row, ...changes } : row)));
  };
  const submit = (event: SyntheticEvent) => {
    event.preventDefault();
    setTriedToSave(true);
    if (check.valid) save.mutate();
  };
  const options = [
    ...my.catalogue.map((question) => ({ value: question.id, label: question.text })),
    ...(my.allowCustom ? [{ value: CUSTOM, label: t('securityAnswers.writeOwn') }] : []),
  ];
  return (
    <Paper withBorder p="md" component="section" aria-labelledby="answers-form-title">
      <form onSubmit={submit} noValidate>
        <Stack>
          <Title order={2} size="h3" id="answers-form-title">
            {my.answered.length > 0 ? t('securityAnswers.formChange') : t('securityAnswers.formSet')}
          </Title>
          <Text size="sm">{t('securityAnswers.formIntro')}</Text>
          {rows.map((row, index) => (
            <AnswerFields
              key={row.key}
              n={index + 1}
              row={row}
              errors={check.rows[index]}
              options={options}
              onChange={(changes) => {
                update(row.key, changes);
              }}
              onRemove={
                rows.length > my.required
                  ? () => {
                      setRows((current) => current.filter((other) => other.key !== row.key));
                    }
                  : null
              }
            />
          ))}
          {rows.length < maxRows(my) && (
            <Group>
              <Button
                variant="light"
                onClick={() => {
                  setRows((current) => [...current, blankRow()]);
                }}
              >
                {t('securityAnswers.add')}
              </Button>
            </Group>
          )}
          <Text size="sm" role="status" data-testid="answers-progress">
            {t('securityAnswers.progress', { ready: check.ready, count: rows.length, required: my.required })}
          </Text>
          <ErrorAlert error={save.error} />
          <Group justify="flex-end">
            <Button type="submit" loading={save.isPending}>
              {t('securityAnswers.save')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Paper>
  );
}

function say(key: MessageKey | null | undefined): string | null {
  return key ? t(key) : null;
}

/** One question and its answer. The answer is typed hidden, like a password, and never shown back. */
function AnswerFields({
  n,
  row,
  errors,
  options,
  onChange,
  onRemove,
}: {
  n: number;
  row: AnswerRow;
  errors: RowErrors | undefined;
  options: readonly { value: string; label: string }[];
  onChange: (changes: Partial<Omit<AnswerRow, 'key'>>) => void;
  onRemove: (() => void) | null;
}) {
  return (
    <Paper withBorder p="sm" radius="sm" bg="var(--mantine-color-gray-0)">
      <Stack gap="xs">
        <Group align="flex-end" wrap="nowrap" gap="xs">
          <ChoiceSelect
            style={{ flex: 1 }}
            label={t('securityAnswers.question', { n })}
            placeholder={t('securityAnswers.choose')}
            value={row.questionId === '' ? null : row.questionId}
            data={options}
            onChange={(questionId) => {
              onChange({ questionId });
            }}
            error={say(errors?.question)}
          />
          {onRemove && (
            <CloseButton
              size="lg"
              mb={errors?.question ? 26 : 4}
              aria-label={t('securityAnswers.remove', { n })}
              onClick={onRemove}
            />
          )}
        </Group>
        {row.questionId === CUSTOM && (
          <TextInput
            label={t('securityAnswers.ownQuestion', { n })}
            value={row.customQuestion}
            onChange={(event) => {
              onChange({ customQuestion: event.currentTarget.value });
            }}
            error={say(errors?.customQuestion)}
            maxLength={MAX_QUESTION_LENGTH}
            autoComplete="off"
          />
        )}
        <PasswordInput
          label={t('securityAnswers.answer', { n })}
          value={row.answer}
          onChange={(event) => {
            onChange({ answer: event.currentTarget.value });
          }}
          error={say(errors?.answer)}
          maxLength={500}
          autoComplete="off"
          spellCheck={false}
          visibilityToggleButtonProps={{ 'aria-label': t('signIn.showTyped') }}
        />
      </Stack>
    </Paper>
  );
}
