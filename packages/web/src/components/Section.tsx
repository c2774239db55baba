import { Paper, Stack, Title, type MantineSpacing } from '@mantine/core';
import type { ReactNode } from 'react';

/** A titled, bordered section of a page (heading level 2), its content stacked below the title. */
export function Section({
  title,
  gap,
  children,
}: {
  title: string;
  gap?: MantineSpacing;
  children: ReactNode;
}) {
  return (
    <Paper withBorder p="md">
      <Stack gap={gap}>
        <Title order={2} size="h3">
          {title}
        </Title>
        {children}
      </Stack>
    </Paper>
  );
}
