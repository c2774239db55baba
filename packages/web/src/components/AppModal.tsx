import { Modal, type ModalProps } from '@mantine/core';
import { useLayoutEffect } from 'react';
import { t } from '../i18n/index.js';

/**
 * Focus goes back to what had it when the dialog opened (the button that opened it), also when the
 * dialog closes by being removed from the page, as the portals' dialogs do: Mantine's own return of
 * focus only runs when `opened` turns false.
 */
export function useReturnFocus(): void {
  useLayoutEffect(() => {
    const opener = document.activeElement;
    return () => {
      if (!(opener instanceof HTMLElement)) return;
      // After the dialog's own focus trap lets go.
      requestAnimationFrame(() => {
        if (opener.isConnected) opener.focus();
      });
    };
  }, []);
}

/** Every dialog of the portals: always open while mounted, a named close button, focus returned on close. */
export function AppModal({ children, ...props }: Omit<ModalProps, 'opened'>) {
  useReturnFocus();
  return (
    <Modal opened closeButtonProps={{ 'aria-label': t('common.close') }} {...props}>
      {children}
    </Modal>
  );
}
