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
};

export function StateBadge({ state }: { state: string }) {
  const key = `state.${state}` as MessageKey;
  return (
    <Badge color={COLORS[state] ?? 'gray'} variant="light">
      {t(key)}
    </Badge>
  );
}
