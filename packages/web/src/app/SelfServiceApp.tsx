import { AppShell, Button, Group, NavLink, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { cardholderTokens } from '../api/client.js';
import { selfServiceEndpoints as api } from '../api/self-service-api.js';
import { ssoAwareLogout } from '../api/sso-api.js';
import { Link } from '../components/Link.js';
import { t, type MessageKey } from '../i18n/index.js';
import { ChangePasswordPage } from '../pages/ChangePassword/ChangePasswordPage.js';
import { MyCardsPage } from '../pages/SelfService/MyCardsPage.js';
import { SecurityQuestionsPage } from '../pages/SelfService/SecurityQuestionsPage.js';
import { SsoStepUpNotice } from '../pages/SelfService/SsoStepUpNotice.js';
import { navigate, useLocation } from '../router/router.js';
import { SessionPending, SignInGate, useSignOut } from './session.js';

const MY_CARDS = '/self-service';
const SECURITY_QUESTIONS = '/self-service/security-questions';
const CHANGE_PASSWORD = '/self-service/password';

const NAV: readonly { readonly to: string; readonly label: MessageKey }[] = [
  { to: MY_CARDS, label: 'self.myCards' },
  { to: SECURITY_QUESTIONS, label: 'nav.securityQuestions' },
  { to: CHANGE_PASSWORD, label: 'self.changePassword' },
];

/** The self-service page a path opens (My cards for any path it does not know). */
function currentPage(pathname: string): string {
  return pathname === SECURITY_QUESTIONS || pathname === CHANGE_PASSWORD ? pathname : MY_CARDS;
}

/** Self-service at /self-service: cardholders sign in, unblock their own cards and set their security answers. */
export default function SelfServiceApp() {
  return (
    <SignInGate
      tokens={cardholderTokens}
      signIn={{
        title: t('signIn.selfServiceTitle'),
        intro: t('signIn.selfServiceIntro'),
        login: api.login,
        sso: 'self-service',
        footer: (
          <Link to="/" size="sm">
            {t('signIn.operatorHint')}
          </Link>
        ),
      }}
    >
      {(onSignedOut) => <SignedIn onSignedOut={onSignedOut} />}
    </SignInGate>
  );
}

function SignedIn({ onSignedOut }: { onSignedOut: () => void }) {
  const { pathname } = useLocation();
  const me = useQuery({ queryKey: ['self-service', 'me'], queryFn: api.me, staleTime: 60_000 });
  const signOut = useSignOut(
    cardholderTokens,
    ssoAwareLogout('self-service', cardholderTokens, api.logout),
    onSignedOut,
  );
  if (me.error || !me.data) return <SessionPending error={me.error} />;
  return (
    <AppShell header={{ height: 56 }} padding="md">
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap">
            <Title order={2} size="h4">
              {t('app.name')}
            </Title>
            <Text size="sm">{t('app.selfService')}</Text>
          </Group>
          <Button
            variant="default"
            size="xs"
            onClick={() => {
              signOut.mutate();
            }}
          >
            {t('nav.signOut')}
          </Button>
        </Group>
      </AppShell.Header>
      <AppShell.Main>
        <div style={{ maxWidth: 900 }}>
          <SelfServiceNav />
          <SsoStepUpNotice />
          {currentPage(pathname) === SECURITY_QUESTIONS ? (
            <SecurityQuestionsPage emailNotifications={me.data.emailNotifications} />
          ) : currentPage(pathname) === CHANGE_PASSWORD ? (
            <ChangePasswordPage change={api.changePassword} intro={t('password.selfServiceIntro')} />
          ) : (
            <MyCardsPage name={me.data.displayName} />
          )}
        </div>
      </AppShell.Main>
    </AppShell>
  );
}

function SelfServiceNav() {
  const { pathname } = useLocation();
  return (
    <Group component="nav" aria-label={t('nav.main')} gap={4} mb="md">
      {NAV.map((item) => {
        const current = currentPage(pathname) === item.to;
        return (
          <NavLink
            key={item.to}
            href={item.to}
            label={t(item.label)}
            active={current}
            aria-current={current ? 'page' : undefined}
            w="auto"
            onClick={(event) => {
              event.preventDefault();
              navigate(item.to);
            }}
          />
        );
      })}
    </Group>
  );
}
