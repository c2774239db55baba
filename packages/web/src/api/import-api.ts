/**
 * The import upload (POST /api/v1/imports, the file as text/csv, or application/json for a .json file),
 * the server's progress on it (GET /api/v1/imports/progress) and the inventory download. The upload
 * goes through XMLHttpRequest, the one browser API that reports upload progress; a 422 carries the line
 * report, which is returned, not thrown.
 */
import type { ImportLineProblem, ImportProgress, ImportResult } from '@cardwarden/contract';
import { ApiError, toApiError } from './api-error.js';
import { operatorApi, operatorTokens } from './client.js';

export type ImportAnswer =
  | { readonly kind: 'done'; readonly result: ImportResult }
  | { readonly kind: 'refused'; readonly message: string; readonly lines: readonly ImportLineProblem[] };

/** Whether the file is JSON (by its name or type); otherwise it is sent as CSV. */
export function isJsonFile(file: File): boolean {
  return /\.json$/i.test(file.name) || file.type === 'application/json';
}

export function uploadImport(
  file: File,
  options: { dryRun: boolean; onProgress: (sent: number, total: number) => void },
): Promise<ImportAnswer> {
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open('POST', options.dryRun ? '/api/v1/imports?dryRun=true' : '/api/v1/imports');
    const token = operatorTokens.get();
    if (token) request.setRequestHeader('authorization', `Bearer ${token}`);
    request.setRequestHeader('content-type', isJsonFile(file) ? 'application/json' : 'text/csv');
    request.setRequestHeader('accept', 'application/json');
    request.upload.onprogress = (event) => {
      options.onProgress(event.loaded, event.lengthComputable ? event.total : file.size);
    };
    request.onerror = () => {
      reject(new ApiError(0, 'network', 'network error'));
    };
    request.onload = () => {
      let body: unknown = null;
      try {
        body = JSON.parse(request.responseText);
      } catch {
        // Not JSON: a proxy or a crash; toApiError names the status.
      }
      if (request.status === 200 || request.status === 201) {
        resolve({ kind: 'done', result: body as ImportResult });
        return;
      }
      const report = body as { lines?: ImportLineProblem[]; error?: { message?: string } } | null;
      if (request.status === 422 && Array.isArray(report?.lines)) {
        resolve({ kind: 'refused', message: report.error?.message ?? '', lines: report.lines });
        return;
      }
      if (request.status === 401 && token !== null) operatorTokens.set(null, true);
      reject(toApiError(request.status, body));
    };
    request.send(file);
  });
}

/**
 * How far the server is with the import this sign-in sent; null when none runs (any more). The server
 * answers from memory, so this works while the import holds the database.
 */
export async function fetchImportProgress(): Promise<ImportProgress | null> {
  try {
    return await operatorApi.request<ImportProgress>('/api/v1/imports/progress');
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return null;
    throw error;
  }
}

/** Downloads the card inventory CSV (never keys). */
export async function downloadInventory(): Promise<void> {
  const response = await operatorApi.fetch('/api/v1/cards/export.csv');
  const url = URL.createObjectURL(await response.blob());
  const link = document.createElement('a');
  link.href = url;
  link.download = 'cardwarden-cards.csv';
  link.click();
  setTimeout(() => {
    URL.revokeObjectURL(url);
  }, 10_000);
}
