import { Alert, Button, Group, List, Stack } from '@mantine/core';
import { AppModal } from '../../components/AppModal.js';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import type { Outcome, SelfServiceCard, SelfServiceUnblockResponse } from '@cardwarden/contract';
import { isApiError } from '../../api/api-error.js';
import { selfServiceEndpoints as api } from '../../api/self-service-api.js';
import { ssoStartUrl, stepUpProof } from '../../api/sso-api.js';
import { ChallengeField } from '../../challenge/ChallengeField.js';
import { viewChallenge } from '../../challenge/challenge-view.js';
import { ResponseDisplay } from '../../challenge/ResponseDisplay.js';
import { ErrorAlert } from '../../components/ErrorAlert.js';
import { OutcomeStep, type OutcomeWords } from '../../components/OutcomeStep.js';
import { t } from '../../i18n/index.js';

const SELF_SERVICE_WORDS: OutcomeWords = {
  ask: 'self.askOutcome',
  failed: 'self.failed',
  unblocked: 'self.worked',
  recordedFailed: 'self.recordedFailed',
  recordedUnblocked: 'self.recordedWorked',
};

/**
 * Unblock PIN offline, for the cardholder: type the challenge from the PC, get the response, enter it,
 * choose a new PIN that follows the profile's rules, then say whether it worked.
 */
export function SelfServiceUnblockDialog({ card, onClose }: { card: SelfServiceCard; onClose: () => void }) {
  const queryClient = useQueryClient();
  const [challenge, setChallenge] = useState('');
  const [issued, setIssued] = useState<SelfServiceUnblockResponse | null>(null);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const view = useMemo(
    () => viewChallenge(challenge, card.challengeLength),
    [challenge, card.challengeLength],
  );

  const generate = useMutation({
    // A step-up proof from a recent SSO sign-in goes along; it works once.
    mutationFn: async () => {
      const proof = stepUpProof.get();
      if (proof) stepUpProof.clear();
      return api.unblock(card.id, view.digits, proof?.proof);
    },
    onSuccess: setIssued,
    onSettled: () => queryClient.invalidateQueries({ queryKey: ['self-service', 'cards'] }),
  });
  const record = useMutation({
    mutationFn: (result: Outcome) => {
      if (!issued) throw new Error('no response yet');
      return api.recordOutcome(issued.id, result);
    },
    onSuccess: (_data, result) => {
      setOutcome(result);
      void queryClient.invalidateQueries({ queryKey: ['self-service', 'cards'] });
    },
  });

  const rules = issued?.pinRules ?? card.pinRules;
  const lastAttempt = isApiError(generate.error, 'self_service.last_attempt');

  return (
    <AppModal
      onClose={onClose}
      title={`${t('self.unblock')} — ${card.serial}`}
      size="lg"
      withCloseButton={false}
      closeOnClickOutside={false}
    >
      <Stack gap="md">
        {issued === null ? (
          <>
            <List type="ordered" size="sm">
              <List.Item>{t('self.step1')}</List.Item>
            </List>
            <ChallengeField
              value={challenge}
              onChange={setChallenge}
              view={view}
              expectedLength={card.challengeLength}
              description={t('self.challengeDescription')}
              readBackTitle={t('self.readBack')}
              readBackHint={t('self.checkGroups')}
              disabled={lastAttempt}
              autoFocus
            />
            {/* self_service.last_attempt reads: call the help desk, they unblock it with you. */}
            <ErrorAlert error={generate.error} />
            {isApiError(generate.error, 'sso.step_up_required') && (
              <Button component="a" href={ssoStartUrl('step-up')} variant="default">
                {t('sso.stepUpButton')}
              </Button>
            )}
            <Group justify="space-between">
              <Button variant="default" onClick={onClose}>
                {t('unblock.cancel')}
              </Button>
              <Button
                size="md"
                disabled={!view.complete || generate.isPending || lastAttempt}
                loading={generate.isPending}
                onClick={() => {
                  generate.mutate();
                }}
              >
                {t('unblock.generate')}
              </Button>
            </Group>
          </>
        ) : (
          <>
            <ResponseDisplay
              response={issued.response}
              groups={issued.responseGroups}
              phonetic={issued.responsePhonetic}
              intro={t('self.responseIntro')}
            />
            <Alert color="blue" variant="light">
              {t('self.pinRules', {
                min: rules.minLength,
                max: rules.maxLength,
                digits: rules.digitsOnly ? t('self.pinDigitsOnly') : '',
              })}
            </Alert>
            <OutcomeStep
              outcome={outcome}
              record={record}
              words={SELF_SERVICE_WORDS}
              cancel={
                <Button variant="default" onClick={onClose}>
                  {t('unblock.cancel')}
                </Button>
              }
              onClose={onClose}
            />
          </>
        )}
      </Stack>
    </AppModal>
  );
}
