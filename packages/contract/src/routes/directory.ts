/** LDAP / Active Directory: sync users and staff, the settings and last run, a connection test. */
import {
  DirectoryConnectionTest,
  DirectoryStatus,
  DirectorySyncQuery,
  DirectorySyncResult,
} from '../schemas/directory.js';
import { defineRoute } from './route.js';

const tags = ['directory'];

export const directory = {
  sync: defineRoute({
    method: 'POST',
    path: '/api/v1/directory/sync',
    summary:
      'Sync users and staff from LDAP / Active Directory and answer when done (admin; audited). A request while a sync runs gets that run’s counts; ?dryRun=true only reports',
    tags,
    auth: 'bearer',
    query: DirectorySyncQuery,
    responses: { 200: DirectorySyncResult },
    // 409 directory.not_configured, directory.empty_result, directory.conflict (503 when unreachable).
    errors: [409],
  }),
  status: defineRoute({
    method: 'GET',
    path: '/api/v1/directory',
    summary:
      'The directory settings (never the password), group → role mapping, the sync in progress, the last sync, and how many accounts came from the directory (admin)',
    tags,
    auth: 'bearer',
    responses: { 200: DirectoryStatus },
    errors: [],
  }),
  test: defineRoute({
    method: 'POST',
    path: '/api/v1/directory/test',
    summary:
      'Test the connection: connect, bind as the service account and read a few users, saying which step failed (admin; writes nothing)',
    tags,
    auth: 'bearer',
    responses: { 200: DirectoryConnectionTest },
    // 409 directory.not_configured; a failed connection is a 200 that says which step failed.
    errors: [409],
  }),
};
