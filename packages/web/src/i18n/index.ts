/**
 * A small typed message catalogue. `t('unblock.progress', { count: 12, expected: 16 })` looks the key up
 * in the active catalogue and fills in `{name}` parameters. Only English ships today; a new language is
 * a copy of `messages.en.ts` with translated values, added to CATALOGUES.
 */
// Types only: the contract's zod schemas stay out of the browser bundle (the server checks every response).
import type { ErrorCode, UnavailableReason } from '@cardwarden/contract';
import { en, errorMessagesEn, unavailableReasonsEn, type MessageKey } from './messages.en.js';

export type { MessageKey };
export type MessageParams = Readonly<Record<string, string | number>>;

interface Catalogue {
  readonly messages: Readonly<Record<MessageKey, string>>;
  readonly errors: Readonly<Partial<Record<ErrorCode, string>>>;
  readonly reasons: Readonly<Record<UnavailableReason, string>>;
}

const CATALOGUES: Readonly<Record<string, Catalogue>> = {
  en: { messages: en, errors: errorMessagesEn, reasons: unavailableReasonsEn },
};

const active: Catalogue = CATALOGUES.en ?? {
  messages: en,
  errors: errorMessagesEn,
  reasons: unavailableReasonsEn,
};

function fill(template: string, params: MessageParams | undefined): string {
  if (!params) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = params[name];
    return value === undefined ? whole : String(value);
  });
}

/** The UI text for `key`, with `{name}` parameters filled in. */
export function t(key: MessageKey, params?: MessageParams): string {
  return fill(active.messages[key], params);
}

/** A friendly message for an API error code; `fallback` (the server's own message) for unknown codes. */
export function errorMessage(code: string, fallback?: string): string {
  const message = Object.hasOwn(active.errors, code) ? active.errors[code as ErrorCode] : undefined;
  if (message !== undefined) return message;
  return fallback ?? t('error.unknown', { status: code });
}

/** Why offline unblock is not available, in words. */
export function reasonMessage(reason: UnavailableReason): string {
  return active.reasons[reason];
}
