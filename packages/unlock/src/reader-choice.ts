/** Which reader a command uses: the one `--reader` names, else the only one that holds a card. */
import type { ReaderInfo } from './card-access.js';
import { UnlockFailure } from './unlock-failure.js';

/**
 * @param wanted `--reader`: an exact reader name, or a case-insensitive part of one that fits one reader.
 * @throws UnlockFailure when no reader fits, or several hold a card and none is named.
 */
export function chooseReader(readers: readonly ReaderInfo[], wanted: string | undefined): ReaderInfo {
  if (readers.length === 0) {
    throw new UnlockFailure(
      'reader.none',
      'no smart-card reader found; connect a reader (and check that pcscd is running)',
    );
  }
  if (wanted !== undefined) {
    const exact = readers.find((reader) => reader.name === wanted);
    const partial = readers.filter((reader) => reader.name.toLowerCase().includes(wanted.toLowerCase()));
    const reader = exact ?? (partial.length === 1 ? partial[0] : undefined);
    if (!reader) {
      const why = partial.length > 1 ? 'fits several readers' : 'fits no reader';
      throw new UnlockFailure(
        'reader.not_found',
        `--reader "${wanted}" ${why}; readers: ${readers.map((r) => r.name).join(', ')}`,
      );
    }
    if (!reader.cardPresent)
      throw new UnlockFailure('card.absent', `no card in ${reader.name}; insert the card and try again`);
    return reader;
  }
  const withCard = readers.filter((reader) => reader.cardPresent);
  const [only] = withCard;
  if (only && withCard.length === 1) return only;
  if (withCard.length === 0)
    throw new UnlockFailure('card.absent', 'no card in any reader; insert the card and try again');
  throw new UnlockFailure(
    'card.ambiguous',
    `several readers hold a card; choose one with --reader NAME: ${withCard.map((r) => r.name).join(', ')}`,
  );
}
