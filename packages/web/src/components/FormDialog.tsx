import { Button, Group, Stack, Text, type ButtonProps, type ModalProps } from '@mantine/core';
import { useId, type ReactNode } from 'react';
import { t } from '../i18n/index.js';
import { AppModal } from './AppModal.js';
import { ErrorAlert } from './ErrorAlert.js';

/** What a form dialog's submit runs: most dialogs run one mutation, and then its state is the dialog's. */
type Submit =
  | {
      /** The mutation that submit runs: its pending state and its error are the dialog's. */
      action: { mutate: () => void; isPending: boolean; error: unknown };
      onSubmit?: never;
      submitting?: never;
      error?: never;
    }
  | {
      action?: never;
      /** Called on submit unless something is `missing`. */
      onSubmit: () => void;
      submitting: boolean;
      error: unknown;
    };

/**
 * A dialog holding one form: its fields, the error of its last submit, then Cancel and the submit
 * button. Enter submits, Esc and Cancel close. While something is `missing`, the submit button is
 * disabled and the dialog says, next to it, what is still needed: never a dead button without a reason.
 */
export function FormDialog({
  title,
  size,
  onClose,
  submitLabel,
  missing = null,
  submitColor,
  children,
  ...submit
}: Submit & {
  title: string;
  size?: ModalProps['size'];
  onClose: () => void;
  submitLabel: string;
  /** What the person still has to fill in, in words; null when the form can be sent. */
  missing?: string | null;
  submitColor?: ButtonProps['color'];
  children: ReactNode;
}) {
  const hintId = useId();
  const { onSubmit, submitting, error } = submit.action
    ? {
        onSubmit: () => {
          submit.action.mutate();
        },
        submitting: submit.action.isPending,
        error: submit.action.error,
      }
    : submit;
  return (
    <AppModal onClose={onClose} title={title} size={size}>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          if (missing === null) onSubmit();
        }}
      >
        <Stack>
          {children}
          <ErrorAlert error={error} />
          <MissingHint id={hintId} missing={missing} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t('common.cancel')}
            </Button>
            <Button
              type="submit"
              color={submitColor}
              loading={submitting}
              disabled={missing !== null}
              aria-describedby={missing !== null ? hintId : undefined}
            >
              {submitLabel}
            </Button>
          </Group>
        </Stack>
      </form>
    </AppModal>
  );
}

/** The visible reason a submit button is disabled. */
export function MissingHint({ id, missing }: { id: string; missing: string | null }) {
  if (missing === null) return null;
  return (
    <Text id={id} size="sm" c="dark.6" ta="right" data-testid="missing-hint">
      {missing}
    </Text>
  );
}
