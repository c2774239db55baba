import { Badge } from '@mantine/core';
import { t, type MessageKey } from '../i18n/index.js';

const COLORS: Readonly<Record<string, string>> = {
  active: 'green',
  unblocked: 'green',
  open: 'blue',
  suspended: 'orange',
  disabled: 'gray',
  cancelled: 'gray',
  revoked: 'red',
  deleted: 'red',
  failed: 'red',
  locked: 'red',
};

export function StateBadge({ state }: { state: string }) {
  const key = `state.${state}` as MessageKey;
  return (
    // Never cut to "SUSPEN…" in a narrow table column.
    <Badge
      color={COLORS[state] ?? 'gray'}
      variant="light"
      styles={{ root: { minWidth: 'fit-content', overflow: 'visible' }, label: { overflow: 'visible' } }}
    >
      {t(key)}
    </Badge>
  );
}
