import { Alert, Button, Code, CopyButton, Group, List, Stack, Text, Title } from '@mantine/core';
import { t } from '../../i18n/index.js';

/** Recovery codes, shown once: a list, a copy button, and a button to go on once they are saved. */
export function RecoveryCodesShown({ codes, onDone }: { codes: readonly string[]; onDone: () => void }) {
  return (
    <Stack gap="sm">
      <Title order={2} size="h4">
        {t('secondFactor.recoveryTitle')}
      </Title>
      <Alert color="orange" variant="light">
        {t('secondFactor.recoveryIntro')}
      </Alert>
      <List aria-label={t('secondFactor.recoveryCodes')} listStyleType="none" spacing={2}>
        {codes.map((code) => (
          <List.Item key={code}>
            <Code fz="md">{code}</Code>
          </List.Item>
        ))}
      </List>
      <Group>
        <CopyButton value={codes.join('\n')}>
          {({ copied, copy }) => (
            <Button variant="light" onClick={copy}>
              {copied ? t('unblock.copied') : t('secondFactor.recoveryCodes')}
            </Button>
          )}
        </CopyButton>
        <Button onClick={onDone}>{t('secondFactor.recoverySaved')}</Button>
      </Group>
      <Text size="xs" c="dimmed">
        {t('secondFactor.recoveryLeft', { count: codes.length })}
      </Text>
    </Stack>
  );
}
