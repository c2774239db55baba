import {
  AppShell,
  Badge,
  Burger,
  Button,
  Center,
  Group,
  Loader,
  NavLink,
  ScrollArea,
  Text,
  Title,
} from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { lazy, Suspense, useEffect, type ReactNode } from 'react';
import { operatorTokens } from '../api/client.js';
import { operatorEndpoints as api, type SignedInOperator as Me } from '../api/operator-api.js';
import { ssoAwareLogout } from '../api/sso-api.js';
import { Link } from '../components/Link.js';
import { t, type MessageKey } from '../i18n/index.js';
import { UserLookupPage } from '../pages/UserLookup/UserLookupPage.js';
import { matchPath, navigate, useLocation } from '../router/router.js';
import { SessionPending, SignInGate, useSignOut } from './session.js';

// User Lookup comes with the first load; the other pages load on first use (and are fetched in the
// background once the app is idle), so the page an operator starts on is small and quick.
const loadUserInformation = () => import('../pages/UserInformation/UserInformationPage.js');
const loadCardSearch = () => import('../pages/CardSearch/CardSearchPage.js');
const loadCardView = () => import('../pages/CardSearch/CardViewPage.js');
const loadApprovals = () => import('../pages/Approvals/ApprovalsPage.js');
const UserInformationPage = lazy(async () => ({
  default: (await loadUserInformation()).UserInformationPage,
}));
const CardSearchPage = lazy(async () => ({ default: (await loadCardSearch()).CardSearchPage }));
const CardViewPage = lazy(async () => ({ default: (await loadCardView()).CardViewPage }));
const ApprovalsPage = lazy(async () => ({ default: (await loadApprovals()).ApprovalsPage }));

function prefetchHelpDesk(): void {
  const load = () => {
    void loadUserInformation();
    void loadCardSearch();
    void loadCardView();
  };
  if ('requestIdleCallback' in window) window.requestIdleCallback(load, { timeout: 2000 });
  else setTimeout(load, 500);
}

const ProfilesPage = lazy(() => import('../pages/Admin/ProfilesPage.js'));
const UsersAdminPage = lazy(() => import('../pages/Admin/UsersAdminPage.js'));
const CardsAdminPage = lazy(() => import('../pages/Admin/CardsAdminPage.js'));
const OperatorsPage = lazy(() => import('../pages/Admin/OperatorsPage.js'));
const AuditPage = lazy(() => import('../pages/Admin/AuditPage.js'));
const SecurityQuestionsAdminPage = lazy(() => import('../pages/Admin/SecurityQuestionsAdminPage.js'));
const SettingsPage = lazy(() => import('../pages/Admin/SettingsPage.js'));
const DirectoryPage = lazy(() => import('../pages/Admin/DirectoryPage.js'));
const SsoSettingsPage = lazy(() => import('../pages/Admin/SsoSettingsPage.js'));
const ImportPage = lazy(() => import('../pages/Admin/ImportPage.js'));
const MasterKeysPage = lazy(() => import('../pages/Admin/MasterKeysPage.js'));
const ChangePasswordPage = lazy(async () => ({
  default: (await import('../pages/ChangePassword/ChangePasswordPage.js')).ChangePasswordPage,
}));

const SecondFactorPage = lazy(() => import('../pages/Account/SecondFactorPage.js'));

const CHANGE_PASSWORD = '/account/password';
const SECOND_FACTOR = '/account/second-factor';

interface NavItem {
  readonly to: string;
  readonly label: MessageKey;
  readonly roles?: readonly string[];
}

const NAV: readonly NavItem[] = [
  { to: '/', label: 'nav.userLookup' },
  { to: '/cards', label: 'nav.cardSearch' },
  { to: '/approvals', label: 'nav.approvals', roles: ['supervisor', 'admin'] },
  { to: '/audit', label: 'nav.audit', roles: ['operator', 'supervisor', 'admin', 'auditor'] },
];
const ADMIN_NAV: readonly NavItem[] = [
  { to: '/admin/profiles', label: 'nav.profiles' },
  { to: '/admin/master-keys', label: 'nav.masterKeys' },
  { to: '/admin/security-questions', label: 'nav.securityQuestions' },
  { to: '/admin/users', label: 'nav.users' },
  { to: '/admin/cards', label: 'nav.cards' },
  { to: '/admin/operators', label: 'nav.operators' },
  { to: '/admin/directory', label: 'nav.directory' },
  { to: '/admin/settings', label: 'nav.settings' },
  { to: '/admin/sso', label: 'nav.sso' },
  { to: '/admin/import', label: 'nav.import' },
];

/** The operator portal: sign-in, then the help desk and (for admins) the admin console. */
export function OperatorApp() {
  return (
    <SignInGate
      tokens={operatorTokens}
      signIn={{
        title: t('signIn.title'),
        login: api.login,
        sso: 'staff',
        footer: (
          <Link to="/self-service" size="sm">
            {t('signIn.cardholderHint')}
          </Link>
        ),
      }}
    >
      {(onSignedOut) => <SignedIn onSignedOut={onSignedOut} />}
    </SignInGate>
  );
}

function SignedIn({ onSignedOut }: { onSignedOut: () => void }) {
  const me = useQuery({ queryKey: ['me'], queryFn: api.me, staleTime: 60_000 });
  const signOut = useSignOut(
    operatorTokens,
    ssoAwareLogout('staff', operatorTokens, api.logout),
    onSignedOut,
  );
  if (me.error || !me.data) return <SessionPending error={me.error} />;
  if (me.data.mustChangePassword) {
    // A reset password opens nothing but the page to choose one's own.
    return (
      <Shell
        me={me.data}
        onSignOut={() => {
          signOut.mutate();
        }}
        navigation={false}
      >
        <Routes me={me.data} forcePasswordChange />
      </Shell>
    );
  }
  return (
    <Shell
      me={me.data}
      onSignOut={() => {
        signOut.mutate();
      }}
    >
      <Routes me={me.data} />
    </Shell>
  );
}

function Shell({
  me,
  onSignOut,
  navigation = true,
  children,
}: {
  me: Me;
  onSignOut: () => void;
  navigation?: boolean;
  children: ReactNode;
}) {
  const [opened, { toggle, close }] = useDisclosure();
  const { pathname } = useLocation();
  const isSupervisor = me.role === 'supervisor' || me.role === 'admin';
  const approvals = useQuery({
    queryKey: ['approvals'],
    queryFn: api.awaitingApproval,
    enabled: isSupervisor && navigation,
    refetchInterval: 10_000,
  });
  const waiting = approvals.data?.items.length ?? 0;
  const item = (nav: NavItem) =>
    nav.roles && !nav.roles.includes(me.role) ? null : (
      <NavLink
        key={nav.to}
        href={nav.to}
        label={t(nav.label)}
        active={
          nav.to === '/' ? pathname === '/' || pathname.startsWith('/users/') : pathname.startsWith(nav.to)
        }
        aria-current={pathname === nav.to ? 'page' : undefined}
        rightSection={
          nav.to === '/approvals' && waiting > 0 ? (
            <Badge color="orange" size="sm" aria-label={`${waiting}`}>
              {waiting}
            </Badge>
          ) : null
        }
        onClick={(event) => {
          event.preventDefault();
          close();
          navigate(nav.to);
        }}
      />
    );
  return (
    <AppShell
      header={{ height: 56 }}
      navbar={{ width: 220, breakpoint: 'sm', collapsed: { mobile: !opened, desktop: !navigation } }}
      padding="md"
    >
      <AppShell.Header>
        <a href="#main" className="skip-link">
          {t('app.skipToContent')}
        </a>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap">
            <Burger opened={opened} onClick={toggle} hiddenFrom="sm" size="sm" aria-label={t('nav.main')} />
            <Title order={2} size="h4">
              {t('app.name')}
            </Title>
            <Text size="sm" visibleFrom="xs">
              {t('app.helpDesk')}
            </Text>
          </Group>
          <Group gap="sm" wrap="nowrap">
            <Text size="sm" visibleFrom="sm">
              {t('nav.signedInAs', { username: me.username, role: t(`role.${me.role}`) })}
            </Text>
            {navigation && (
              <Button
                component="a"
                href={CHANGE_PASSWORD}
                variant="subtle"
                size="xs"
                onClick={(event) => {
                  event.preventDefault();
                  navigate(CHANGE_PASSWORD);
                }}
              >
                {t('nav.changePassword')}
              </Button>
            )}
            {navigation && (
              <Button
                component="a"
                href={SECOND_FACTOR}
                variant="subtle"
                size="xs"
                onClick={(event) => {
                  event.preventDefault();
                  navigate(SECOND_FACTOR);
                }}
              >
                {t('nav.secondFactor')}
              </Button>
            )}
            <Button variant="default" size="xs" onClick={onSignOut}>
              {t('nav.signOut')}
            </Button>
          </Group>
        </Group>
      </AppShell.Header>
      {navigation && (
        <AppShell.Navbar p="xs" component="nav" aria-label={t('nav.main')}>
          <ScrollArea>
            {NAV.map(item)}
            {me.role === 'admin' && (
              <>
                <Text size="xs" c="dark.6" fw={700} tt="uppercase" mt="md" mb={4} px="sm">
                  {t('nav.admin')}
                </Text>
                {ADMIN_NAV.map(item)}
              </>
            )}
          </ScrollArea>
        </AppShell.Navbar>
      )}
      <AppShell.Main id="main" tabIndex={-1}>
        <div style={{ maxWidth: 1100 }}>{children}</div>
      </AppShell.Main>
    </AppShell>
  );
}

function Routes({ me, forcePasswordChange = false }: { me: Me; forcePasswordChange?: boolean }) {
  useEffect(prefetchHelpDesk, []);
  return (
    <Suspense
      fallback={
        <Center p="xl">
          <Loader aria-label={t('app.loading')} />
        </Center>
      }
    >
      {forcePasswordChange ? <OwnPassword mustChange /> : <Page me={me} />}
    </Suspense>
  );
}

/** Change password for the signed-in operator; after a forced change, the help desk opens. */
function OwnPassword({ mustChange = false }: { mustChange?: boolean }) {
  const queryClient = useQueryClient();
  return (
    <ChangePasswordPage
      change={api.changePassword}
      mustChange={mustChange}
      onChanged={() => {
        if (!mustChange) return;
        void queryClient.invalidateQueries({ queryKey: ['me'] });
        navigate('/');
      }}
    />
  );
}

function Page({ me }: { me: Me }) {
  const { pathname, search } = useLocation();
  if (pathname === '/') return <UserLookupPage />;
  if (matchPath(CHANGE_PASSWORD, pathname)) return <OwnPassword />;
  if (matchPath(SECOND_FACTOR, pathname)) return <SecondFactorPage />;
  const user = matchPath('/users/:id', pathname);
  if (user?.id) return <UserInformationPage key={user.id} id={user.id} me={me} />;
  if (matchPath('/cards', pathname)) return <CardSearchPage />;
  const card = matchPath('/cards/:id', pathname);
  if (card?.id) return <CardViewPage key={card.id} id={card.id} me={me} />;
  if (matchPath('/approvals', pathname)) return <ApprovalsPage />;
  // Keyed by its query: a link to the log of a user or card starts with fresh filters.
  if (matchPath('/audit', pathname)) return <AuditPage key={search.toString()} />;
  const page = adminPage(pathname, me);
  if (page) return page;
  return (
    <Center p="xl" style={{ flexDirection: 'column', gap: 12 }}>
      <Title order={1} size="h2">
        {t('notFound.title')}
      </Title>
      <Link to="/">{t('notFound.back')}</Link>
    </Center>
  );
}

function adminPage(pathname: string, me: Me): ReactNode {
  if (me.role !== 'admin') return null;
  if (matchPath('/admin/profiles', pathname)) return <ProfilesPage />;
  if (matchPath('/admin/master-keys', pathname)) return <MasterKeysPage />;
  if (matchPath('/admin/security-questions', pathname)) return <SecurityQuestionsAdminPage />;
  if (matchPath('/admin/users', pathname)) return <UsersAdminPage />;
  if (matchPath('/admin/cards', pathname)) return <CardsAdminPage />;
  if (matchPath('/admin/operators', pathname)) return <OperatorsPage />;
  if (matchPath('/admin/settings', pathname)) return <SettingsPage />;
  if (matchPath('/admin/directory', pathname)) return <DirectoryPage />;
  if (matchPath('/admin/sso', pathname)) return <SsoSettingsPage />;
  if (matchPath('/admin/import', pathname)) return <ImportPage />;
  return null;
}
