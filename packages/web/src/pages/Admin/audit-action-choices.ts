import type { ComboboxItem } from '@mantine/core';
import {
  AUDIT_ACTION_AREAS,
  AUDIT_ACTION_NAMES,
  auditActionArea,
  describeAuditAction,
} from '@cardwarden/contract/audit-actions';
import { t } from '../../i18n/index.js';

// The zod-free entry: the package's main one would put zod and every schema in the page's bundle.

/**
 * The action filter's choices, from the contract's audit vocabulary: each area (a prefix such as
 * "card.", every action of it) followed by its actions. `current` (from the address) is kept as a
 * choice when it is not one of them, so an older link still shows what it filters by. A flat list:
 * option groups would be labelled "operator.", "user."…, which `getByLabel('Operator')` also finds.
 */
export function actionChoices(current: string): ComboboxItem[] {
  const choices = AUDIT_ACTION_AREAS.flatMap((area) => [
    { value: area, label: t('audit.actionArea', { area }) },
    ...AUDIT_ACTION_NAMES.filter((action) => auditActionArea(action) === area).map((action) => ({
      value: action,
      label: `${action} · ${describeAuditAction(action)}`,
    })),
  ]);
  return current && !choices.some((choice) => choice.value === current)
    ? [{ value: current, label: current }, ...choices]
    : choices;
}
