import { Alert } from '@mantine/core';
import { useEffect } from 'react';
import { stepUpProof } from '../../api/sso-api.js';
import { useSsoReturn } from '../../app/use-sso-return.js';
import { ErrorAlert } from '../../components/ErrorAlert.js';
import { t } from '../../i18n/index.js';

/** Back from an SSO step-up: keeps the proof for the next unblock and says how long it lasts. */
export function SsoStepUpNotice() {
  const { exchange } = useSsoReturn(['step-up']);
  const proof = exchange.data?.stepUp;
  useEffect(() => {
    if (proof) stepUpProof.set(proof);
  }, [proof]);
  if (exchange.error) return <ErrorAlert error={exchange.error} />;
  if (!proof) return null;
  return (
    <Alert color="green" variant="light" role="status" mb="md">
      {t('sso.stepUpDone', { time: new Date(proof.expiresAt).toLocaleTimeString() })}
    </Alert>
  );
}
