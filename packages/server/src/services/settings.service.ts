/** Installation-wide settings: the global offline-unblock switch, and what the portals may promise. */
import type { Settings, UpdateSettingsBody } from '@cardwarden/contract';
import type { Database } from '../db/database.js';
import { appendAuditEvent } from '../repositories/audit.repository.js';
import { getSetting, putSetting } from '../repositories/settings.repository.js';
import { auditActor, type OperatorActor, type ServiceContext } from './context.js';
import { secondFactorRequiredFor, setSecondFactorRequiredFor } from '../auth/second-factor/policy.js';
import type { UnitOfWork } from '../db/unit-of-work.js';

export const OFFLINE_UNBLOCK_SETTING = 'offline_unblock.enabled';

/** The switches that decide, beside each card's profile, whether an unblock may happen at all. */
export interface UnblockSwitches {
  /** Offline unblock (help desk and self-service); on unless an admin turned it off. */
  readonly offlineUnblock: boolean;
}

export async function unblockSwitches(db: Database): Promise<UnblockSwitches> {
  return switchesFrom(await getSetting(db, OFFLINE_UNBLOCK_SETTING));
}

/** The switches from the stored value of OFFLINE_UNBLOCK_SETTING (read along with other rows). */
export function switchesFrom(offlineUnblockSetting: string | undefined): UnblockSwitches {
  return { offlineUnblock: offlineUnblockSetting !== 'false' };
}

export async function getSettings(ctx: ServiceContext): Promise<Settings> {
  const switches = await unblockSwitches(ctx.db);
  return {
    offlineUnblock: switches.offlineUnblock,
    emailNotifications: ctx.notifier.enabled,
    secondFactorRequiredFor: await secondFactorRequiredFor(ctx.db),
  };
}

/** Changes the settings given; audited as `settings.changed` with the old and the new value. */
export async function updateSettings(
  ctx: ServiceContext,
  uow: UnitOfWork,
  actor: OperatorActor,
  input: UpdateSettingsBody,
): Promise<Settings> {
  await uow(async (tx) => {
    if (input.offlineUnblock !== undefined) {
      const before = await unblockSwitches(tx);
      await putSetting(tx, OFFLINE_UNBLOCK_SETTING, String(input.offlineUnblock));
      await appendAuditEvent(tx, {
        ...auditActor(actor),
        action: 'settings.changed',
        details: {
          setting: 'offlineUnblock',
          oldValue: before.offlineUnblock,
          newValue: input.offlineUnblock,
        },
      });
    }
    if (input.secondFactorRequiredFor !== undefined) {
      const before = await secondFactorRequiredFor(tx);
      await setSecondFactorRequiredFor(tx, input.secondFactorRequiredFor);
      await appendAuditEvent(tx, {
        ...auditActor(actor),
        action: 'settings.changed',
        details: {
          setting: 'secondFactorRequiredFor',
          oldValue: before.join(','),
          newValue: (await secondFactorRequiredFor(tx)).join(','),
        },
      });
    }
  });
  return getSettings(ctx);
}
