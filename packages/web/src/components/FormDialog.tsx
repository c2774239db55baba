import { Button, Group, Modal, Stack, type ButtonProps, type ModalProps } from '@mantine/core';
import type { ReactNode } from 'react';
import { t } from '../i18n/index.js';
import { ErrorAlert } from './ErrorAlert.js';

/**
 * A dialog holding one form: its fields, the error of its last submit, then Cancel and the submit
 * button. Enter submits, Esc and Cancel close.
 */
export function FormDialog({
  title,
  size,
  onClose,
  onSubmit,
  error,
  submitLabel,
  submitting,
  submitDisabled = false,
  submitColor,
  children,
}: {
  title: string;
  size?: ModalProps['size'];
  onClose: () => void;
  /** Called on submit unless `submitDisabled`. */
  onSubmit: () => void;
  error: unknown;
  submitLabel: string;
  submitting: boolean;
  submitDisabled?: boolean;
  submitColor?: ButtonProps['color'];
  children: ReactNode;
}) {
  return (
    <Modal opened onClose={onClose} title={title} size={size}>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          if (!submitDisabled) onSubmit();
        }}
      >
        <Stack>
          {children}
          <ErrorAlert error={error} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t('common.cancel')}
            </Button>
            <Button type="submit" color={submitColor} loading={submitting} disabled={submitDisabled}>
              {submitLabel}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
