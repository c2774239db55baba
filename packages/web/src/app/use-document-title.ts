import { useEffect } from 'react';
import { t } from '../i18n/index.js';

/** Names the browser tab (and what screen readers announce on navigation) after the page. */
export function useDocumentTitle(title: string): void {
  useEffect(() => {
    document.title = `${title} — ${t('app.name')}`;
  }, [title]);
}
