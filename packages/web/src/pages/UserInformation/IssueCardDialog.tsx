import { Button, Code, CopyButton, Group, Stack, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { operatorEndpoints as api } from '../../api/operator-api.js';
import { AppModal } from '../../components/AppModal.js';
import { ChoiceSelect } from '../../components/ChoiceSelect.js';
import { ErrorAlert } from '../../components/ErrorAlert.js';
import { t } from '../../i18n/index.js';
import { issueCommand } from './issue-command.js';

/**
 * "Issue a card": issuance runs where the card is (`cardwarden-unlock issue`), so the portal tells the
 * operator the exact command for this user and the chosen profile.
 */
export function IssueCardDialog({ username, onClose }: { username: string; onClose: () => void }) {
  const profiles = useQuery({ queryKey: ['profiles'], queryFn: () => api.profiles() });
  const [profile, setProfile] = useState<string | null>(null);
  const chosen = profile ?? profiles.data?.items[0]?.name ?? null;
  const command = chosen ? issueCommand(window.location.origin, username, chosen) : '';
  return (
    <AppModal onClose={onClose} title={t('issue.title', { user: username })} size="lg">
      <Stack>
        <Text size="sm">{t('issue.intro')}</Text>
        <ErrorAlert error={profiles.error} />
        {/* A native select, as in the portals' other dialogs: keyboard-friendly, and its list opens above the dialog. */}
        <ChoiceSelect
          label={t('issue.profile')}
          data={(profiles.data?.items ?? []).map((p) => p.name)}
          value={chosen}
          onChange={setProfile}
        />
        {command && (
          <Stack gap={4}>
            <Text size="xs" c="dimmed">
              {t('issue.command')}
            </Text>
            {/* Wrapped, not scrolled: a scrolling box would need a keyboard stop of its own (WCAG 2.1.1). */}
            <Code
              block
              data-testid="issue-command"
              style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}
            >
              {command}
            </Code>
            <Group>
              <CopyButton value={command}>
                {({ copied, copy }) => (
                  <Button variant="light" size="xs" color={copied ? 'teal' : 'blue'} onClick={copy}>
                    {copied ? t('issue.copied') : t('issue.copy')}
                  </Button>
                )}
              </CopyButton>
            </Group>
          </Stack>
        )}
        <Text size="sm" c="dimmed">
          {t('issue.again')}
        </Text>
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {t('issue.close')}
          </Button>
        </Group>
      </Stack>
    </AppModal>
  );
}
