/** The second-factor policy: which staff roles must sign in with a second factor. Off by default. */
import { SECOND_FACTOR_ROLES, type SecondFactorRole } from '@cardwarden/contract';
import type { Database } from '../../db/database.js';
import { getSetting, putSetting } from '../../repositories/settings.repository.js';

const POLICY_SETTING = 'second_factor.required_for';

/** The roles that must use a second factor; empty unless an admin set it. */
export async function secondFactorRequiredFor(db: Database): Promise<SecondFactorRole[]> {
  const stored = await getSetting(db, POLICY_SETTING);
  if (!stored) return [];
  const names = stored.split(',');
  return SECOND_FACTOR_ROLES.filter((role) => names.includes(role));
}

export async function setSecondFactorRequiredFor(
  db: Database,
  roles: readonly SecondFactorRole[],
): Promise<void> {
  await putSetting(db, POLICY_SETTING, SECOND_FACTOR_ROLES.filter((role) => roles.includes(role)).join(','));
}

/** Whether an operator with `role` must use a second factor under the current policy. */
export async function isSecondFactorRequired(db: Database, role: string): Promise<boolean> {
  return (await secondFactorRequiredFor(db)).some((required) => required === role);
}
