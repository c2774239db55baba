import {
  Alert,
  Button,
  Center,
  Loader,
  Paper,
  PasswordInput,
  Stack,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { lazy, Suspense, useState, type SyntheticEvent, type ReactNode } from 'react';
import type { LoginResponse, SsoPortal } from '@cardwarden/contract';
import { ErrorAlert } from '../../components/ErrorAlert.js';
import { MissingHint } from '../../components/FormDialog.js';
import { stillNeeded } from '../../components/still-needed.js';
import { t } from '../../i18n/index.js';
// Loaded only when a second factor is asked for: most sign-ins never need the QR code or WebAuthn code.
const SecondFactorStep = lazy(async () => ({
  default: (await import('./SecondFactorStep.js')).SecondFactorStep,
}));
import { SsoSignIn } from './SsoSignIn.js';

export interface SignInPageProps {
  readonly title: string;
  readonly intro?: string;
  readonly notice?: string | null;
  readonly login: (username: string, password: string) => Promise<LoginResponse>;
  readonly onSignedIn: (token: string) => void;
  readonly footer?: ReactNode;
  /** Offer "Sign in with SSO" for this portal when the server has it configured. */
  readonly sso?: SsoPortal;
}

/** Username, Password, Sign in: the same form for operators and cardholders. */
export function SignInPage({ title, intro, notice, login, onSignedIn, footer, sso }: SignInPageProps) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  // Sign in stays pressable; pressed too early, it says what is missing instead of doing nothing.
  const [tried, setTried] = useState(false);
  // Staff whose password was right but who owe a second factor: the limited answer, until it is done.
  const [limited, setLimited] = useState<LoginResponse | null>(null);
  const missing = stillNeeded([
    !username.trim() && t('signIn.username').toLowerCase(),
    !password && t('signIn.password').toLowerCase(),
  ]);
  const mutation = useMutation({
    mutationFn: () => login(username.trim(), password),
    onSuccess: (result) => {
      if (result.secondFactorRequired) {
        setPassword('');
        setLimited(result);
      } else {
        onSignedIn(result.token);
      }
    },
  });
  const submit = (event: SyntheticEvent) => {
    event.preventDefault();
    setTried(true);
    if (missing === null) mutation.mutate();
  };
  if (limited) {
    return (
      <Center mih="100vh" p="md" bg="gray.0">
        <Paper component="main" withBorder shadow="sm" p="xl" w={440} maw="100%">
          <Suspense fallback={<Loader aria-label={t('app.loading')} />}>
            <SecondFactorStep
              limited={limited}
              onSignedIn={onSignedIn}
              onCancel={() => {
                setLimited(null);
              }}
            />
          </Suspense>
        </Paper>
      </Center>
    );
  }
  return (
    <Center mih="100vh" p="md" bg="gray.0">
      <Paper component="main" withBorder shadow="sm" p="xl" w={400} maw="100%">
        <form onSubmit={submit} noValidate>
          <Stack>
            <Title order={1} size="h3">
              {title}
            </Title>
            {intro && <Text size="sm">{intro}</Text>}
            {notice && (
              <Alert color="blue" variant="light" role="status">
                {notice}
              </Alert>
            )}
            <TextInput
              label={t('signIn.username')}
              value={username}
              onChange={(event) => {
                setUsername(event.currentTarget.value);
              }}
              autoComplete="username"
              autoCapitalize="none"
              spellCheck={false}
              required
              withAsterisk={false}
              data-autofocus
              autoFocus
            />
            <PasswordInput
              label={t('signIn.password')}
              value={password}
              onChange={(event) => {
                setPassword(event.currentTarget.value);
              }}
              autoComplete="current-password"
              required
              withAsterisk={false}
              // Not "…password…": the field alone must answer to the label Password.
              visibilityToggleButtonProps={{ 'aria-label': t('signIn.showTyped') }}
            />
            <ErrorAlert error={mutation.error} />
            <MissingHint id="sign-in-missing" missing={tried ? missing : null} />
            <Button type="submit" loading={mutation.isPending}>
              {t('signIn.submit')}
            </Button>
            {sso && <SsoSignIn portal={sso} onSignedIn={onSignedIn} onSecondFactor={setLimited} />}
            {footer}
          </Stack>
        </form>
      </Paper>
    </Center>
  );
}
