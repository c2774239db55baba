import { Alert, Code, Paper, Stack, Table, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { ssoEndpoints } from '../../api/sso-api.js';
import { PageTitle } from '../../components/PageTitle.js';
import { ErrorAlert } from '../../components/ErrorAlert.js';
import { t, type MessageKey } from '../../i18n/index.js';

function Row({ label, children }: { label: MessageKey; children: ReactNode }) {
  return (
    <Table.Tr>
      <Table.Th scope="row" w="40%">
        {t(label)}
      </Table.Th>
      <Table.Td>{children}</Table.Td>
    </Table.Tr>
  );
}

/** The single sign-on configuration, read-only (it comes from the environment); the secret never shown. */
export default function SsoSettingsPage() {
  const settings = useQuery({ queryKey: ['sso-settings'], queryFn: ssoEndpoints.settings });
  const s = settings.data;
  return (
    <Stack maw={820}>
      <PageTitle title={t('sso.settingsTitle')} />
      <Text size="sm">{t('sso.settingsIntro')}</Text>
      <ErrorAlert error={settings.error} />
      {s && !s.enabled && (
        <Alert color="gray" variant="light" role="status">
          {t('sso.settingsOff')}
        </Alert>
      )}
      {s?.enabled && (
        <>
          <Paper withBorder p="md">
            <Table>
              <Table.Tbody>
                <Row label="sso.issuer">
                  <Code>{s.issuer}</Code>
                </Row>
                <Row label="sso.clientId">
                  <Code>{s.clientId}</Code>
                </Row>
                <Row label="sso.clientSecret">
                  {s.clientSecretSet ? t('sso.secretSet') : t('sso.secretUnset')}
                </Row>
                <Row label="sso.redirectUrl">
                  <Code>{s.redirectUrl}</Code>
                </Row>
                <Row label="sso.postLogoutUrl">
                  <Code>{s.postLogoutRedirectUrl}</Code>
                </Row>
                <Row label="sso.scopes">{s.scopes.join(' ')}</Row>
                <Row label="sso.groupsClaim">
                  <Code>{s.groupsClaim}</Code>
                </Row>
                <Row label="sso.usernameClaim">
                  <Code>{s.usernameClaim}</Code>
                </Row>
                <Row label="sso.cardholderMatch">{s.cardholderMatch}</Row>
                <Row label="sso.stepUpMaxAge">{s.stepUpMaxAgeSeconds}</Row>
                <Row label="sso.insecure">{s.allowInsecureHttp ? t('sso.yes') : t('sso.no')}</Row>
              </Table.Tbody>
            </Table>
          </Paper>
          <Title order={2} size="h3">
            {t('sso.groupRoles')}
          </Title>
          {s.groupRoles.length === 0 ? (
            <Alert color="yellow" variant="light" role="status">
              {t('sso.noGroupRoles')}
            </Alert>
          ) : (
            <Paper withBorder p="md">
              <Table>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>{t('sso.group')}</Table.Th>
                    <Table.Th>{t('sso.role')}</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {s.groupRoles.map((mapping) => (
                    <Table.Tr key={mapping.group}>
                      <Table.Td>
                        <Code>{mapping.group}</Code>
                      </Table.Td>
                      <Table.Td>{mapping.role}</Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Paper>
          )}
        </>
      )}
    </Stack>
  );
}
