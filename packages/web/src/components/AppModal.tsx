import { Modal, type ModalProps } from '@mantine/core';
import { useLayoutEffect } from 'react';
import { t } from '../i18n/index.js';

let openDialogs = 0;
/** The opener of a dialog that just closed, for a dialog that replaces it in the same render. */
let handedOver: HTMLElement | null = null;

/**
 * While a dialog is open, the page behind it is inert: out of reach of Tab and of screen readers, as a
 * modal dialog promises (Mantine draws its dialogs outside #root). When the dialog goes, focus goes back
 * to what had it when the dialog opened (the button that opened it), also when the dialog closes by
 * being removed from the page, as the portals' dialogs do: Mantine's own return of focus only runs when
 * `opened` turns false.
 */
export function useModalFocus(): void {
  useLayoutEffect(() => {
    const active = document.activeElement;
    // A dialog that follows another (confirm, then the result) returns focus to the first one's opener.
    const opener = active instanceof HTMLElement && active !== document.body ? active : handedOver;
    handedOver = null;
    const root = document.getElementById('root');
    openDialogs += 1;
    root?.setAttribute('inert', '');
    // aria-hidden too, for assistive technology (and test tools) that do not know `inert` yet.
    root?.setAttribute('aria-hidden', 'true');
    return () => {
      openDialogs -= 1;
      if (openDialogs === 0) {
        root?.removeAttribute('inert');
        root?.removeAttribute('aria-hidden');
      }
      if (opener === null) return;
      handedOver = opener;
      // After the dialog's own focus trap lets go.
      requestAnimationFrame(() => {
        if (handedOver === opener) handedOver = null;
        if (opener.isConnected && openDialogs === 0) opener.focus();
      });
    };
  }, []);
}

/** Every dialog of the portals: always open while mounted, a named close button, focus returned on close. */
export function AppModal({ children, ...props }: Omit<ModalProps, 'opened'>) {
  useModalFocus();
  return (
    <Modal opened closeButtonProps={{ 'aria-label': t('common.close') }} {...props}>
      {children}
    </Modal>
  );
}
