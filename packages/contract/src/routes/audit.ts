/** The audit trail: a page of events with filters, and the filtered trail as CSV. */
import { z } from 'zod';
import { AUDIT_EXPORT_SLOTS, AuditExportQuery, AuditList, AuditQuery } from '../schemas/audit.js';
import { defineRoute } from './route.js';

const tags = ['audit'];

export const audit = {
  list: defineRoute({
    method: 'GET',
    path: '/api/v1/audit',
    summary: 'The audit trail, newest first, with filters',
    tags,
    auth: 'bearer',
    query: AuditQuery,
    responses: { 200: AuditList },
    errors: [],
  }),
  exportCsv: defineRoute({
    method: 'GET',
    path: '/api/v1/audit/export.csv',
    summary: `The filtered audit trail as CSV, newest first, streamed (${String(AUDIT_EXPORT_SLOTS)} exports at once; more get 429 with Retry-After)`,
    tags,
    auth: 'bearer',
    query: AuditExportQuery,
    responses: { 200: z.string() },
    // 429 audit.export_busy.
    errors: [429],
  }),
};
