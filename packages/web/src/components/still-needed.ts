import { t } from '../i18n/index.js';

/** "Still needed: card serial, username." from the names of the empty fields; null when none. */
export function stillNeeded(names: readonly (string | false | null | undefined)[]): string | null {
  const list = names.filter((name): name is string => typeof name === 'string' && name !== '');
  return list.length === 0 ? null : t('form.stillNeeded', { list: list.join(', ') });
}
