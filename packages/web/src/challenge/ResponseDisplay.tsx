import { Button, CopyButton, Group, Paper, Stack, Text } from '@mantine/core';
import { phoneticReadBack } from '@cardwarden/protocol';
import { t } from '../i18n/index.js';
import classes from './challenge.module.css';

/**
 * The response, large, in groups of four, with its phonetic read-back and a copy button. The element
 * named "Response" holds only the groups, separated by single spaces ("7716 F4B2 D721 4EB2"); the copy
 * button copies the bare hex.
 */
export function ResponseDisplay({
  response,
  groups,
  intro,
}: {
  response: string;
  groups: readonly string[];
  intro: string;
}) {
  return (
    <Paper withBorder p="md" bg="blue.0">
      <Stack gap="xs">
        <Text size="sm">{intro}</Text>
        <div
          role="status"
          aria-label={t('unblock.response')}
          className={classes.response}
          data-response={response}
        >
          {groups.join(' ')}
        </div>
        <Text size="md" data-testid="response-phonetic">
          {phoneticReadBack(response)}
        </Text>
        <Group>
          <CopyButton value={response}>
            {({ copied, copy }) => (
              <Button variant="light" color={copied ? 'teal' : 'blue'} onClick={copy} size="xs">
                {copied ? t('unblock.copied') : t('unblock.copy')}
              </Button>
            )}
          </CopyButton>
        </Group>
      </Stack>
    </Paper>
  );
}
