import { Alert } from '@mantine/core';
import type { ReactNode } from 'react';
import { t } from '../i18n/index.js';

/** A green "done" notice, announced to screen readers, that the person can close. */
export function SavedNotice({ onClose, children }: { onClose: () => void; children: ReactNode }) {
  return (
    <Alert color="green" role="status" withCloseButton closeButtonLabel={t('common.close')} onClose={onClose}>
      {children}
    </Alert>
  );
}
