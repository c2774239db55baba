import { Group, Title } from '@mantine/core';
import type { ReactNode } from 'react';
import { useDocumentTitle } from '../app/use-document-title.js';

/**
 * A page's heading (level 1), which also names the browser tab, so the two never drift apart; with an
 * `action` (the page's main button, such as Create), the action stands at the right of the heading.
 */
export function PageTitle({ title, action }: { title: string; action?: ReactNode }) {
  useDocumentTitle(title);
  const heading = (
    <Title order={1} size="h2">
      {title}
    </Title>
  );
  if (action === undefined) return heading;
  return (
    <Group justify="space-between">
      {heading}
      {action}
    </Group>
  );
}
