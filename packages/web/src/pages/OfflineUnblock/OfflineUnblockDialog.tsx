import { Alert, Button, Group, Stack, Text, TextInput } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { OfflineUnblockSession, Outcome } from '@cardwarden/contract';
import { isApiError } from '../../api/api-error.js';
import { operatorEndpoints as api } from '../../api/operator-api.js';
import { ChallengeField } from '../../challenge/ChallengeField.js';
import { ResponseDisplay } from '../../challenge/ResponseDisplay.js';
import { AppModal } from '../../components/AppModal.js';
import { ErrorAlert } from '../../components/ErrorAlert.js';
import { OutcomeStep, type OutcomeWords } from '../../components/OutcomeStep.js';
import { t } from '../../i18n/index.js';
import { IdentityCheck } from './IdentityCheck.js';
import type { UnblockCard } from './offline-unblock-state.js';
import { useOfflineUnblock } from './use-offline-unblock.js';

const OPERATOR_WORDS: OutcomeWords = {
  ask: 'unblock.askOutcome',
  failed: 'unblock.failed',
  unblocked: 'unblock.unblocked',
  recordedFailed: 'unblock.recordedFailed',
  recordedUnblocked: 'unblock.recordedUnblocked',
};

export interface UnblockTarget {
  readonly card: UnblockCard;
  readonly user: { readonly username: string; readonly displayName: string };
}

/**
 * The Offline Unblock dialog: ticket, Challenge (validated as typed, with read-back), Generate Response,
 * the Response with read-back and copy, then Unblocked / Failed. The last admin-key attempt waits for a
 * supervisor's approval, given from their own sign-in. Where the card's profile wants the caller's security
 * answers, the dialog says so from the start and asks them before a response can be generated. Cancel
 * closes the session at every step. Its state is a reducer (`offline-unblock-state.ts`); this component
 * sends the requests and dispatches what the server answers.
 */
export function OfflineUnblockDialog({ target, onClose }: { target: UnblockTarget; onClose: () => void }) {
  const { card, user } = target;
  const queryClient = useQueryClient();
  const { state, view, dispatch } = useOfflineUnblock(card);
  const { session, issued, outcome } = state;
  const { ticketValue, remaining, limit, lastAttempt, approvedBy } = view;
  const setSession = (fresh: OfflineUnblockSession) => {
    dispatch({ type: 'sessionReceived', session: fresh });
  };

  // While a last-attempt session waits for a supervisor, look for the approval every two seconds.
  const poll = useQuery({
    queryKey: ['offline-unblock', session?.id],
    queryFn: async () => {
      if (!session) throw new Error('no session');
      const fresh = await api.offlineUnblock(session.id);
      setSession(fresh);
      return fresh;
    },
    enabled: view.waitingForApproval,
    refetchInterval: 2000,
  });

  // What the user and card pages show (attempts, state) changes with every step that reaches the server.
  const refreshUserAndCard = () => {
    void queryClient.invalidateQueries({ queryKey: ['user'] });
    void queryClient.invalidateQueries({ queryKey: ['card'] });
  };

  const start = useMutation({
    mutationFn: () => api.startOfflineUnblock(card.id, ticketValue),
    onSuccess: setSession,
  });

  const generate = useMutation({
    mutationFn: async () => {
      const current = session ?? (await api.startOfflineUnblock(card.id, ticketValue));
      if (current !== session) setSession(current);
      if (current.identity.required && !current.identity.verified) throw new IdentityPending();
      if (current.approval.requiredForNextResponse && current.approval.approvedBy === null) {
        throw new ApprovalPending();
      }
      return api.issueResponse(current.id, view.challenge.digits);
    },
    onSuccess: (result) => {
      dispatch({ type: 'responseIssued', issued: result });
      refreshUserAndCard();
    },
    onError: (error) => {
      if (
        (isApiError(error, 'offline_unblock.approval_required') ||
          isApiError(error, 'offline_unblock.identity_required')) &&
        session
      ) {
        void poll.refetch();
      }
      // A session that expired or was closed elsewhere cannot be used again: the next try starts a new one.
      if (isApiError(error, 'offline_unblock.expired') || isApiError(error, 'offline_unblock.closed')) {
        dispatch({ type: 'sessionLost' });
      }
    },
  });

  const record = useMutation({
    mutationFn: async (result: Outcome) => {
      if (!session) throw new Error('no session');
      await api.recordOutcome(session.id, result, ticketValue);
      // What the server counts now (an unblock resets it): the operator tells the caller the truth.
      return (await api.card(card.id)).adminKey;
    },
    onSuccess: (_data, result) => {
      dispatch({ type: 'outcomeRecorded', outcome: result });
      refreshUserAndCard();
    },
  });

  const cancel = useMutation({
    mutationFn: async () => {
      if (session && view.cancelClosesSession) {
        try {
          await api.cancelOfflineUnblock(session.id);
        } catch (error) {
          // Already closed or expired: nothing left to cancel.
          if (!isApiError(error) || error.status === 401) throw error;
        }
      }
    },
    onSettled: () => {
      refreshUserAndCard();
      onClose();
    },
  });

  const restart = () => {
    dispatch({ type: 'restarted' });
    generate.reset();
    record.reset();
  };

  const busy = generate.isPending || start.isPending || cancel.isPending;
  const canGenerate = view.canGenerate && !busy;
  const pendingApproval =
    generate.error instanceof ApprovalPending || generate.error instanceof IdentityPending;

  const cancelButton = (
    <Button
      variant="default"
      onClick={() => {
        cancel.mutate();
      }}
      loading={cancel.isPending}
    >
      {t('unblock.cancel')}
    </Button>
  );

  return (
    <AppModal
      onClose={() => {
        cancel.mutate();
      }}
      title={t('unblock.title', { serial: card.serial })}
      size="lg"
      withCloseButton={false}
      closeOnClickOutside={false}
      trapFocus
    >
      <Stack gap="md">
        <Text size="sm">{t('unblock.forUser', { name: user.displayName, username: user.username })}</Text>

        {view.step === 'challenge' && (
          <>
            <Text size="sm" fw={500} data-testid="attempts">
              {t('unblock.attempts', { remaining, limit })}
            </Text>
            {lastAttempt ? (
              <Alert color="red" variant="filled" title={t('unblock.lastAttemptTitle')}>
                <Stack gap={6}>
                  <Text size="sm">{t('unblock.lastAttempt')}</Text>
                  {approvedBy !== null ? (
                    <Text size="sm" fw={700}>
                      {t('unblock.approvedBy', { name: approvedBy })}
                    </Text>
                  ) : session !== null ? (
                    <Text size="sm" fw={700} role="status">
                      {t('unblock.waitingApproval')}
                    </Text>
                  ) : (
                    <Group>
                      <Button
                        color="red"
                        variant="white"
                        onClick={() => {
                          start.mutate();
                        }}
                        loading={start.isPending}
                      >
                        {t('unblock.requestApproval')}
                      </Button>
                    </Group>
                  )}
                </Stack>
              </Alert>
            ) : (
              view.nextIsLast && (
                <Alert color="orange" variant="light">
                  {t('unblock.nextIsLast')}
                </Alert>
              )
            )}
            <TextInput
              label={t('unblock.ticket')}
              description={t('unblock.ticketDescription')}
              value={state.ticket}
              onChange={(event) => {
                dispatch({ type: 'ticketChanged', ticket: event.currentTarget.value });
              }}
              disabled={session !== null}
              maxLength={200}
            />
            {view.identityAhead && (
              <Alert color="yellow" variant="light" title={t('identity.title')}>
                <Stack gap="xs" align="flex-start">
                  <Text size="sm">{t('identity.ahead')}</Text>
                  <Button
                    variant="light"
                    color="yellow"
                    onClick={() => {
                      start.mutate();
                    }}
                    loading={start.isPending}
                  >
                    {t('identity.start')}
                  </Button>
                </Stack>
              </Alert>
            )}
            {view.identityPending && session !== null && (
              <IdentityCheck
                session={session}
                onVerified={() => {
                  dispatch({ type: 'identityVerified' });
                  generate.reset();
                }}
              />
            )}
            {view.identityVerified && (
              <Text size="sm" fw={600} role="status">
                {t('identity.verified')}
              </Text>
            )}
            <ChallengeField
              value={state.challenge}
              onChange={(challenge) => {
                dispatch({ type: 'challengeChanged', challenge });
              }}
              view={view.challenge}
              expectedLength={view.expectedLength}
              description={t('unblock.challengeDescription')}
              autoFocus
            />
            <ErrorAlert error={start.error} />
            {!pendingApproval && <ErrorAlert error={generate.error} />}
            <ErrorAlert error={poll.error} />
            <Group justify="space-between">
              {cancelButton}
              <Button
                size="md"
                onClick={() => {
                  generate.mutate();
                }}
                disabled={!canGenerate}
                loading={generate.isPending}
              >
                {t('unblock.generate')}
              </Button>
            </Group>
          </>
        )}

        {issued !== null && view.step !== 'challenge' && (
          <>
            <Text size="sm">
              {t('unblock.challengeWas', { challenge: issued.challengeGroups.join(' ') })}
            </Text>
            <ResponseDisplay
              response={issued.response}
              groups={issued.responseGroups}
              phonetic={issued.responsePhonetic}
              intro={t('unblock.responseIntro')}
            />
            <Text size="sm" fw={500} data-testid="attempts">
              {t('unblock.attemptsAfter', { remaining: issued.attemptsRemaining })}
            </Text>
            <OutcomeStep
              outcome={outcome}
              record={record}
              words={OPERATOR_WORDS}
              cancel={cancelButton}
              onClose={onClose}
              details={
                record.data && (
                  <Text size="sm" fw={500} data-testid="attempts-now">
                    {t('unblock.attemptsNow', {
                      remaining: record.data.attemptsRemaining,
                      limit: record.data.attemptLimit,
                    })}
                  </Text>
                )
              }
              tryAgain={
                view.canTryAgain && (
                  <Button variant="light" onClick={restart}>
                    {t('unblock.tryAgain')}
                  </Button>
                )
              }
            />
          </>
        )}
      </Stack>
    </AppModal>
  );
}

/** Thrown (and not shown as an error) when the profile wants the caller's answers first. */
class IdentityPending extends Error {
  constructor() {
    super('identity check pending');
  }
}

/** Thrown (and not shown as an error) when the session still waits for a supervisor. */
class ApprovalPending extends Error {
  constructor() {
    super('approval pending');
  }
}
