import { Anchor, Button, Divider, Stack, Text, TextInput, Title } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { useMemo, useState, type SyntheticEvent } from 'react';
import type { EnrolmentResult, LoginResponse } from '@cardwarden/contract';
import { secondFactorEndpoints, withToken } from '../../api/second-factor-api.js';
import { ErrorAlert } from '../../components/ErrorAlert.js';
import { PasskeyAdd, PasskeyErrorAlert } from '../../components/second-factor/PasskeyAdd.js';
import { RecoveryCodesShown } from '../../components/second-factor/RecoveryCodesShown.js';
import { TotpSetup } from '../../components/second-factor/TotpSetup.js';
import { t } from '../../i18n/index.js';

/**
 * The second step of a staff sign-in, with the limited token the password gave: a code, a passkey or a
 * recovery code; or, when the policy asks for a factor the person has not set up, setting one up.
 */
export function SecondFactorStep({
  limited,
  onSignedIn,
  onCancel,
}: {
  limited: LoginResponse;
  onSignedIn: (token: string) => void;
  onCancel: () => void;
}) {
  const endpoints = useMemo(() => secondFactorEndpoints(withToken(limited.token)), [limited.token]);
  const methods = limited.methods ?? [];
  const [useRecovery, setUseRecovery] = useState(false);
  const [code, setCode] = useState('');
  const [enrolled, setEnrolled] = useState<EnrolmentResult | null>(null);
  const done = (result: LoginResponse) => {
    onSignedIn(result.token);
  };
  // Recovery codes are shown before the session starts; without new ones, it starts at once.
  const onEnrolled = (result: EnrolmentResult) => {
    if (result.recoveryCodes) setEnrolled(result);
    else if (result.session) onSignedIn(result.session.token);
  };
  const totp = useMutation({ mutationFn: () => endpoints.completeTotp(code), onSuccess: done });
  const recovery = useMutation({ mutationFn: () => endpoints.completeRecovery(code), onSuccess: done });
  const passkey = useMutation({ mutationFn: endpoints.completePasskey, onSuccess: done });
  const cancel = (
    <Anchor component="button" type="button" size="sm" onClick={onCancel}>
      {t('secondFactor.cancel')}
    </Anchor>
  );

  if (enrolled?.recoveryCodes) {
    return (
      <RecoveryCodesShown
        codes={enrolled.recoveryCodes}
        onDone={() => {
          if (enrolled.session) onSignedIn(enrolled.session.token);
        }}
      />
    );
  }

  if (limited.enrolmentRequired) {
    return (
      <Stack>
        <Title order={1} size="h3">
          {t('secondFactor.enrolTitle')}
        </Title>
        <Text size="sm">{t('secondFactor.enrolIntro')}</Text>
        <Title order={2} size="h5">
          {t('secondFactor.totpTitle')}
        </Title>
        <TotpSetup endpoints={endpoints} onEnrolled={onEnrolled} />
        <Divider />
        <Title order={2} size="h5">
          {t('secondFactor.passkeyTitle')}
        </Title>
        <PasskeyAdd endpoints={endpoints} onEnrolled={onEnrolled} />
        {cancel}
      </Stack>
    );
  }

  const submit = (event: SyntheticEvent) => {
    event.preventDefault();
    if (useRecovery) recovery.mutate();
    else totp.mutate();
  };
  const showCode = useRecovery || methods.includes('totp');
  return (
    <Stack>
      <Title order={1} size="h3">
        {t('secondFactor.stepTitle')}
      </Title>
      <Text size="sm">{t('secondFactor.stepIntro')}</Text>
      {methods.includes('webauthn') && !useRecovery && (
        <>
          <PasskeyErrorAlert error={passkey.error} />
          <Button
            variant={methods.includes('totp') ? 'light' : 'filled'}
            loading={passkey.isPending}
            onClick={() => {
              passkey.mutate();
            }}
          >
            {t('secondFactor.usePasskey')}
          </Button>
        </>
      )}
      {showCode && (
        <form onSubmit={submit} noValidate>
          <Stack gap="sm">
            <TextInput
              key={useRecovery ? 'recovery' : 'totp'}
              label={useRecovery ? t('secondFactor.recoveryCode') : t('secondFactor.code')}
              description={useRecovery ? t('secondFactor.recoveryHelp') : t('secondFactor.codeHelp')}
              value={code}
              onChange={(event) => {
                setCode(event.currentTarget.value);
              }}
              inputMode={useRecovery ? 'text' : 'numeric'}
              autoComplete="one-time-code"
              autoCapitalize="none"
              spellCheck={false}
              data-autofocus
              autoFocus
            />
            <ErrorAlert error={useRecovery ? recovery.error : totp.error} />
            <Button type="submit" loading={totp.isPending || recovery.isPending} disabled={!code.trim()}>
              {t('secondFactor.verify')}
            </Button>
          </Stack>
        </form>
      )}
      {methods.includes('recovery_code') && !useRecovery && (
        <Anchor
          component="button"
          type="button"
          size="sm"
          onClick={() => {
            setCode('');
            setUseRecovery(true);
          }}
        >
          {t('secondFactor.useRecovery')}
        </Anchor>
      )}
      {cancel}
    </Stack>
  );
}
