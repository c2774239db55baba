/**
 * The import upload (the file as text/csv, or application/json for a .json file), the server's progress
 * on it and the inventory download. The upload goes through `ApiClient.upload`, which reports upload
 * progress; a 422 carries the line report, which is returned, not thrown.
 */
import type { ImportLineProblem, ImportProgress, ImportResult } from '@cardwarden/contract';
import { endpoints } from '@cardwarden/contract/endpoints';
import { ApiError } from './api-error.js';
import { operatorApi } from './client.js';

export type ImportAnswer =
  | { readonly kind: 'done'; readonly result: ImportResult }
  | { readonly kind: 'refused'; readonly message: string; readonly lines: readonly ImportLineProblem[] };

/** Whether the file is JSON (by its name or type); otherwise it is sent as CSV. */
export function isJsonFile(file: File): boolean {
  return /\.json$/i.test(file.name) || file.type === 'application/json';
}

export async function uploadImport(
  file: File,
  options: { dryRun: boolean; onProgress: (sent: number, total: number) => void },
): Promise<ImportAnswer> {
  const answer = await operatorApi.upload(endpoints.imports.run, file, {
    contentType: isJsonFile(file) ? 'application/json' : 'text/csv',
    query: options.dryRun ? { dryRun: 'true' } : undefined,
    onProgress: options.onProgress,
  });
  if (answer.ok) return { kind: 'done', result: answer.body };
  const report = answer.body as { lines?: ImportLineProblem[]; error?: { message?: string } } | null;
  if (answer.error.status === 422 && Array.isArray(report?.lines)) {
    return { kind: 'refused', message: report.error?.message ?? '', lines: report.lines };
  }
  throw answer.error;
}

/**
 * How far the server is with the import this sign-in sent; null when none runs (any more). The server
 * answers from memory, so this works while the import holds the database.
 */
export async function fetchImportProgress(): Promise<ImportProgress | null> {
  try {
    return await operatorApi.call(endpoints.imports.progress);
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return null;
    throw error;
  }
}

/** Downloads the card inventory CSV (never keys). */
export async function downloadInventory(): Promise<void> {
  const response = await operatorApi.download(endpoints.cards.exportCsv);
  const url = URL.createObjectURL(await response.blob());
  const link = document.createElement('a');
  link.href = url;
  link.download = 'cardwarden-cards.csv';
  link.click();
  setTimeout(() => {
    URL.revokeObjectURL(url);
  }, 10_000);
}
