import { Box, Group, List, Paper, Progress, Stack, Text, TextInput } from '@mantine/core';
import { useId } from 'react';
import { t } from '../i18n/index.js';
import type { ChallengeView } from './challenge-view.js';
import classes from './challenge.module.css';

interface ChallengeFieldProps {
  readonly value: string;
  readonly onChange: (value: string) => void;
  readonly view: ChallengeView;
  readonly expectedLength: number;
  readonly description: string;
  readonly disabled?: boolean;
  readonly autoFocus?: boolean;
  readonly readBackHint?: string;
  /** The read-back's heading: for operators it is read to the caller; cardholders check it themselves. */
  readonly readBackTitle?: string;
}

/**
 * The Challenge field: validates as you type, shows progress and the digits in groups of four, names
 * corrected look-alikes and bad characters with their position, and once complete a read-back (groups
 * and phonetic) to confirm with the caller before an admin-key attempt is spent.
 */
export function ChallengeField({
  value,
  onChange,
  view,
  expectedLength,
  description,
  disabled = false,
  autoFocus = false,
  readBackHint = t('unblock.readBackHint'),
  readBackTitle = t('unblock.readBack'),
}: ChallengeFieldProps) {
  const progressId = useId();
  const count = Math.min(view.digits.length, expectedLength);
  return (
    <Stack gap="xs">
      <TextInput
        label={t('unblock.challenge')}
        description={description}
        value={value}
        onChange={(event) => {
          onChange(event.currentTarget.value);
        }}
        error={view.error}
        disabled={disabled}
        autoFocus={autoFocus}
        // Mantine's focus trap focuses the element marked data-autofocus when a dialog opens.
        data-autofocus={autoFocus || undefined}
        autoComplete="off"
        autoCorrect="off"
        autoCapitalize="characters"
        spellCheck={false}
        maxLength={expectedLength * 3}
        size="lg"
        classNames={{ input: classes.mono }}
        aria-describedby={progressId}
        data-complete={view.complete}
      />
      <Group gap="sm" wrap="nowrap" align="center">
        <Progress
          value={(100 * count) / expectedLength}
          color={view.error ? 'red' : view.complete ? 'green' : 'blue'}
          style={{ flex: 1 }}
          aria-hidden
        />
        <Text
          id={progressId}
          size="sm"
          c={view.complete ? undefined : 'dimmed'}
          fw={view.complete ? 600 : undefined}
          aria-live="polite"
        >
          {view.progress}
        </Text>
      </Group>
      {view.groups.length > 0 && !view.complete && (
        <Group gap="xs" aria-hidden className={classes.groups}>
          {view.groups.map((group, index) => (
            <Box key={index} className={classes.group} data-partial={group.length < 4}>
              {group}
            </Box>
          ))}
        </Group>
      )}
      {view.corrections.length > 0 && (
        <List size="sm" aria-live="polite">
          {view.corrections.map((note) => (
            <List.Item key={note}>{note}</List.Item>
          ))}
        </List>
      )}
      {view.complete && view.phonetic && (
        <Paper withBorder p="sm" bg="green.0" data-testid="challenge-read-back">
          <Text size="sm" fw={600}>
            {readBackTitle}
          </Text>
          <Text className={classes.mono} fz="xl" fw={700}>
            {view.groups.join(' ')}
          </Text>
          <Text size="sm">{view.phonetic}</Text>
          <Text size="xs" c="dimmed">
            {readBackHint}
          </Text>
        </Paper>
      )}
    </Stack>
  );
}
