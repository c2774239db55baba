import { Alert } from '@mantine/core';
import { isApiError } from '../api/api-error.js';
import { errorMessage, t } from '../i18n/index.js';

/** A person-friendly message for any error the API client throws. */
export function describeError(error: unknown): string {
  if (isApiError(error)) {
    if (error.status === 0) return t('error.network');
    const friendly = errorMessage(error.code, t('error.unknown', { status: error.status }));
    // Validation errors: the server's message names the field, which helps more than a generic line.
    return error.code === 'request.invalid' && error.message ? `${friendly} (${error.message})` : friendly;
  }
  return t('error.unknown', { status: error instanceof Error ? error.message : 'unknown' });
}

/** Shows an error where it happened; renders nothing when there is none. */
export function ErrorAlert({ error, title }: { error: unknown; title?: string }) {
  if (error === null || error === undefined) return null;
  return (
    <Alert color="red" variant="light" role="alert" title={title}>
      {describeError(error)}
    </Alert>
  );
}
