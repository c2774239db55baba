/** The first admin, on first start with an empty database. */
import { generatePassword } from '../auth/generated-password.js';
import { hashPassword } from '../auth/password.js';
import type { Database } from '../db/database.js';
import { appendAuditEvent } from '../repositories/audit.repository.js';
import {
  countOperators,
  insertOperator,
  lockOperatorBootstrap,
} from '../repositories/operator.repository.js';
import type { UnitOfWork } from '../db/unit-of-work.js';

export type BootstrapResult =
  { created: false } | { created: true; username: string; generatedPassword: string | undefined };

/**
 * Creates the first admin when there is no operator yet: from the configured username and password,
 * or with a generated password that the caller prints once. Safe when instances start together.
 */
export async function ensureFirstAdmin(
  db: Database,
  uow: UnitOfWork,
  admin: { username: string; password: string | undefined },
): Promise<BootstrapResult> {
  if ((await countOperators(db)) > 0) return { created: false };
  const generatedPassword = admin.password === undefined ? generatePassword() : undefined;
  const passwordHash = await hashPassword(admin.password ?? generatedPassword ?? '');
  return uow(async (tx) => {
    await lockOperatorBootstrap(tx);
    if ((await countOperators(tx)) > 0) return { created: false } as const;
    await insertOperator(tx, { username: admin.username, passwordHash, role: 'admin' });
    await appendAuditEvent(tx, {
      actor: 'system',
      actorType: 'system',
      action: 'operator.created',
      details: { operator: admin.username, role: 'admin', bootstrap: true },
    });
    return { created: true, username: admin.username, generatedPassword };
  });
}
