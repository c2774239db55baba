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
      // The light variant's coloured text on its pale tint is below WCAG AA (even shade 9 of green is
      // 3.8:1): the tint shows the colour, the text stays dark.
      styles={{
        root: {
          minWidth: 'fit-content',
          overflow: 'visible',
          color: 'var(--mantine-color-black)',
        },
        label: { overflow: 'visible' },
      }}
    >
      {t(key)}
    </Badge>
  );
}
