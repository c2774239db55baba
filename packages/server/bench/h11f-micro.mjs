import { createPgliteClient } from '../dist/db/connect.js';
import { hitRateLimitWindow } from '../dist/repositories/rate-limit.repository.js';
import { findCardBySerial } from '../dist/repositories/card.repository.js';
import { countAnswers } from '../dist/repositories/security-question.repository.js';
import { appendAuditEvent } from '../dist/repositories/audit.repository.js';
import { findOnlineUnlock } from '../dist/repositories/online-unlock.repository.js';
const { db } = await createPgliteClient(undefined);
async function time(label, fn, n = 500) {
  for (let i = 0; i < 50; i++) await fn(i);
  const t = performance.now();
  for (let i = 0; i < n; i++) await fn(i);
  console.log(label.padEnd(20), ((performance.now() - t) / n * 1000).toFixed(0), 'µs');
}
await time('select 1', () => db.execute('select 1'));
await time('rate limit', (i) => hitRateLimitWindow(db, `k:${i % 1000}`, 600));
await time('card by serial', (i) => findCardBySerial(db, `NOPE-${i}`));
await time('count answers', () => countAnswers(db, '00000000-0000-0000-0000-000000000000'));
await time('find session', () => findOnlineUnlock(db, '00000000-0000-0000-0000-000000000000'));
await time('audit insert', (i) => appendAuditEvent(db, { actor: 'workstation', actorType: 'anonymous', action: 'online_unlock.refused', details: { serialDigest: 'abcdef0123456789', reason: 'card.not_found', address: '127.1.2.3' } }));
