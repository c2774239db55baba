import type { CardSummary } from '@cardwarden/contract';
import { reasonMessage, t } from '../../i18n/index.js';

/** What the page knows beyond the card that also stops an unblock before the dialog opens. */
export interface UnblockContext {
  /** Offline unblock is switched off for the whole installation. */
  readonly offlineOff?: boolean;
  /** The cardholder's security answers: locked out, or none set. */
  readonly identity?: { readonly locked: boolean; readonly answersSet: number };
}

/** Why this operator cannot start an unblock on `card`, or null when they can. */
export function unblockBlocker(
  card: CardSummary,
  canUnblock: boolean,
  role: string,
  context: UnblockContext = {},
): string | null {
  if (!card.offlineUnblock.available) {
    // The card's own state says which of "not active" it is, and so who can do what.
    if (card.state === 'suspended') return t('card.suspendedReason');
    if (card.state === 'revoked') return t('card.revokedReason');
    return card.offlineUnblock.reason
      ? reasonMessage(card.offlineUnblock.reason)
      : (card.offlineUnblock.message ?? '');
  }
  if (context.offlineOff) return t('card.offlineOff');
  if (!canUnblock) return t('card.notAllowedRole', { role });
  if (card.offlineUnblock.identityCheck && context.identity) {
    if (context.identity.locked) return t('card.identityLocked');
    if (context.identity.answersSet === 0) return t('card.identityNoAnswers');
  }
  return null;
}
