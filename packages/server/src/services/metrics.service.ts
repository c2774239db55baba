/** What the metrics read from the database when Prometheus scrapes. */
import type { Database } from '../db/database.js';
import { countPendingNotifications } from '../repositories/notification.repository.js';

/** Email notifications not yet sent (pending, including those waiting for a retry). */
export function notificationOutboxDepth(db: Database): Promise<number> {
  return countPendingNotifications(db);
}
