import { Button, CopyButton, Group, Paper, Stack, Text } from '@mantine/core';
import { t } from '../i18n/index.js';
import classes from './challenge.module.css';

/**
 * The response, large, in groups of four, with its phonetic read-back and a copy button: all three as
 * the server sent them (`IssuedResponse`), nothing recomputed here. The element
 * named "Response" holds the bare hex ("7716F4B2D7214EB2": what selecting and copying it gives, and
 * what the card's screen accepts); the groups are spaced apart by CSS only.
 */
export function ResponseDisplay({
  response,
  groups,
  phonetic,
  intro,
}: {
  response: string;
  groups: readonly string[];
  phonetic: string;
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
          {groups.map((group, index) => (
            // Groups repeat ("0000 0000"), so their place is their identity.
            <span key={index} className={classes.responseGroup}>
              {group}
            </span>
          ))}
        </div>
        <Text size="md" data-testid="response-phonetic">
          {phonetic}
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
