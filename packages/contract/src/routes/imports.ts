/** Bulk import of users and cards with their admin keys (docs/import.md), and its progress. */
import { ImportProgress, ImportQuery, ImportRefusal, ImportResult } from '../schemas/imports.js';
import { defineRoute } from './route.js';

const tags = ['cards'];

export const imports = {
  progress: defineRoute({
    method: 'GET',
    path: '/api/v1/imports/progress',
    summary:
      'How far the import running on this server is: shown to the bearer token that sent it (answered from memory, while the import holds the database). 404 import.not_running otherwise',
    tags,
    auth: 'bearer',
    responses: { 200: ImportProgress },
    errors: [404],
  }),
  run: defineRoute({
    method: 'POST',
    path: '/api/v1/imports',
    summary:
      'Import users and cards with their admin keys from CSV (body text/csv) or JSON (application/json: an array of objects with the same fields) (admin; all or nothing; ?dryRun=true checks only). A refused file answers 422 with every bad line (JSON: item)',
    tags,
    auth: 'bearer',
    query: ImportQuery,
    responses: { 200: ImportResult, 201: ImportResult },
    // The file is read as bytes (no body schema); 413 and 415 come with every POST (errorStatusesOf).
    // 409 import.conflict; 422 a refused file or transport key; 429 import.busy (one at a time).
    errors: [409, 422, 429],
    errorBodies: { 422: ImportRefusal },
  }),
};
