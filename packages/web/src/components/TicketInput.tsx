import { TextInput } from '@mantine/core';
import { t } from '../i18n/index.js';

/** The optional help-desk ticket number a change is recorded with in the audit trail. */
export function TicketInput({
  value,
  onChange,
  autoFocus = false,
}: {
  value: string;
  onChange: (ticket: string) => void;
  /** The first field of its dialog. */
  autoFocus?: boolean;
}) {
  return (
    <TextInput
      label={t('unblock.ticket')}
      description={t('unblock.ticketDescription')}
      value={value}
      onChange={(event) => {
        onChange(event.currentTarget.value);
      }}
      maxLength={200}
      {...(autoFocus ? { 'data-autofocus': true } : {})}
    />
  );
}
