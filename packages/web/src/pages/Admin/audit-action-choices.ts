import type { ComboboxItem, ComboboxItemGroup } from '@mantine/core';
import {
  AUDIT_ACTION_AREAS,
  AUDIT_ACTION_NAMES,
  auditActionArea,
  describeAuditAction,
} from '@cardwarden/contract';
import { t } from '../../i18n/index.js';

/**
 * The action filter's choices, from the contract's audit vocabulary: each area (a prefix such as
 * "card.", every action of it) and then its actions. `current` (from the address) is kept as a choice
 * when it is not one of them, so an older link still shows what it filters by.
 */
export function actionChoices(current: string): ComboboxItemGroup<ComboboxItem>[] {
  const groups = AUDIT_ACTION_AREAS.map((area) => ({
    group: area,
    items: [
      { value: area, label: t('audit.actionArea', { area }) },
      ...AUDIT_ACTION_NAMES.filter((action) => auditActionArea(action) === area).map((action) => ({
        value: action,
        label: `${action} · ${describeAuditAction(action)}`,
      })),
    ],
  }));
  const known = groups.some((group) => group.items.some((item) => item.value === current));
  return current && !known
    ? [{ group: t('audit.actionOther'), items: [{ value: current, label: current }] }, ...groups]
    : groups;
}
