import { Text, TextInput } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import type { CardDetail, CardState } from '@cardwarden/contract';
import { operatorEndpoints as api } from '../../api/operator-api.js';
import { TicketInput } from '../../components/TicketInput.js';
import { FormDialog } from '../../components/FormDialog.js';
import { t } from '../../i18n/index.js';

/**
 * Resetting a card's admin-key attempt count gives an attacker who holds the card more guesses, so it
 * asks why (recorded in the audit log with the optional ticket) before it is done.
 */
export function ResetAttemptsDialog({
  card,
  onClose,
  onDone,
}: {
  card: CardDetail;
  onClose: () => void;
  onDone: () => void;
}) {
  const [reason, setReason] = useState('');
  const [ticket, setTicket] = useState('');
  const reset = useMutation({
    mutationFn: () => api.resetAttempts(card.id, reason.trim(), ticket.trim() || undefined),
    onSuccess: onDone,
  });
  return (
    <FormDialog
      title={t('admin.cards.resetTitle', { serial: card.serial })}
      onClose={onClose}
      action={reset}
      submitColor="orange"
      missing={reason.trim() ? null : t('admin.cards.needReason')}
      submitLabel={t('admin.cards.resetConfirm')}
    >
      <Text>
        {t('admin.cards.resetText', {
          used: card.adminKey.attemptsUsed,
          limit: card.adminKey.attemptLimit,
        })}
      </Text>
      <TextInput
        label={t('admin.cards.reason')}
        description={t('admin.cards.reasonHelp')}
        value={reason}
        onChange={(event) => {
          setReason(event.currentTarget.value);
        }}
        maxLength={500}
        required
        data-autofocus
      />
      <TicketInput value={ticket} onChange={setTicket} />
    </FormDialog>
  );
}

/** Suspending, revoking or re-activating a card, confirmed first with what it means. */
export function ChangeCardStateDialog({
  card,
  state,
  onClose,
  onDone,
}: {
  card: CardDetail;
  state: CardState;
  onClose: () => void;
  onDone: () => void;
}) {
  const [ticket, setTicket] = useState('');
  const update = useMutation({
    mutationFn: () => api.updateCard(card.id, { state, ...(ticket.trim() ? { ticket: ticket.trim() } : {}) }),
    onSuccess: onDone,
  });
  const serial = { serial: card.serial };
  return (
    <FormDialog
      title={t(`admin.cards.stateTitle.${state}`, serial)}
      onClose={onClose}
      action={update}
      submitColor={state === 'active' ? undefined : 'red'}
      submitLabel={t(`admin.cards.stateConfirm.${state}`)}
    >
      <Text>{t(`admin.cards.stateText.${state}`)}</Text>
      <TicketInput value={ticket} onChange={setTicket} autoFocus />
    </FormDialog>
  );
}
