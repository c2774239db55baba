import type { AnchorProps } from '@mantine/core';
import type { ReactNode } from 'react';
import { Link } from './Link.js';

/**
 * Links to the page of one user or one card, which many lists and pages show: the paths live here once,
 * and a card always shows as its serial in monospace, as printed on the card.
 */
export function UserLink({ id, children, ...props }: AnchorProps & { id: string; children: ReactNode }) {
  return (
    <Link to={`/users/${encodeURIComponent(id)}`} {...props}>
      {children}
    </Link>
  );
}

export function CardLink({ card, ...props }: AnchorProps & { card: { id: string; serial: string } }) {
  return (
    <Link to={`/cards/${encodeURIComponent(card.id)}`} ff="monospace" {...props}>
      {card.serial}
    </Link>
  );
}
