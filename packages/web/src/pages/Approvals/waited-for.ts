import { t } from '../../i18n/index.js';

/** "4 min", "1 h 5 min": how long a request has waited, as a supervisor reads it at a glance. */
export function waitedFor(since: string, now: number): string {
  const seconds = Math.max(0, Math.floor((now - Date.parse(since)) / 1000));
  if (seconds < 60) return t('approvals.waitedSeconds');
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return t('approvals.waitedMinutes', { count: minutes });
  return t('approvals.waitedHours', { hours: Math.floor(minutes / 60), minutes: minutes % 60 });
}
