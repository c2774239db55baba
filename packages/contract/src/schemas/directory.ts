import { z } from 'zod';
import { OperatorRole } from './auth.js';
import { Timestamp } from './common.js';

export const DirectorySyncQuery = z.object({
  dryRun: z
    .enum(['true', 'false'])
    .optional()
    .transform((value) => value === 'true')
    .describe('true: report what a sync would change, writing nothing'),
});

const StaffCounts = z
  .object({
    created: z.number().int(),
    updated: z.number().int(),
    disabled: z.number().int(),
    unchanged: z.number().int(),
    skipped: z
      .number()
      .int()
      .describe('entries whose username a local staff account holds (never taken over)'),
  })
  .describe('directory staff accounts (operators whose role follows their directory groups)');

export const DirectorySyncResult = z.object({
  created: z.number().int().describe('cardholders created from new directory entries'),
  updated: z.number().int().describe('cardholders whose synced fields changed, or who were re-enabled'),
  suspended: z.number().int().describe('cardholders disabled or removed in the directory, now suspended'),
  unchanged: z.number().int(),
  skipped: z
    .number()
    .int()
    .describe('directory entries not synced (no username or stable id, or a username another account holds)'),
  operators: StaffCounts,
  dryRun: z.boolean(),
  durationMs: z.number().int(),
  changes: z
    .array(
      z.object({
        kind: z.enum([
          'create',
          'update',
          'suspend',
          'reactivate',
          'staff_create',
          'staff_update',
          'staff_disable',
        ]),
        username: z.string(),
        fields: z.array(z.string()).describe('for updates: which synced fields change'),
        role: OperatorRole.optional().describe('for staff: the role the account gets'),
      }),
    )
    .optional()
    .describe(`dry run only: what would change, account by account (at most ${String(200)})`),
  changesTruncated: z.boolean().optional().describe('dry run only: more changes than listed'),
});
export type DirectorySyncResult = z.infer<typeof DirectorySyncResult>;

export const DirectoryRunProgress = z.object({
  trigger: z.enum(['operator', 'scheduler']),
  dryRun: z.boolean(),
  phase: z
    .enum(['reading users', 'reading groups', 'comparing', 'writing'])
    .describe('what the run is doing now'),
  entriesRead: z.number().int().describe('directory entries read so far'),
  startedAt: Timestamp,
});
export type DirectoryRunProgress = z.infer<typeof DirectoryRunProgress>;

export const DirectoryLastRun = z.object({
  trigger: z.enum(['operator', 'scheduler']),
  actor: z.string(),
  finishedAt: Timestamp,
  outcome: z.enum(['completed', 'failed']),
  result: DirectorySyncResult.omit({ changes: true, changesTruncated: true }).optional(),
  error: z.object({ code: z.string(), message: z.string() }).optional(),
});
export type DirectoryLastRun = z.infer<typeof DirectoryLastRun>;

const AccountSources = z.object({ directory: z.number().int(), local: z.number().int() });

export const DirectoryStatus = z.object({
  configured: z.boolean().describe('false: CARDWARDEN_LDAP_URL is not set; every account is local'),
  settings: z
    .object({
      url: z.string(),
      startTls: z.boolean(),
      caFile: z.boolean().describe('a CA file is set (otherwise the system trust store)'),
      allowPlaintext: z.boolean(),
      bindDn: z.string().describe('empty: anonymous; the password is never shown'),
      baseDn: z.string(),
      userFilter: z.string(),
      groupBaseDn: z.string(),
      pageSize: z.number().int(),
      timeoutSeconds: z.number(),
      syncIntervalMinutes: z.number().int().nullable(),
      attributes: z.object({
        username: z.array(z.string()),
        displayName: z.string(),
        email: z.string(),
        id: z.array(z.string()),
        disabledFlags: z.string(),
        memberOf: z.string(),
      }),
    })
    .optional(),
  roleMapping: z.array(z.object({ group: z.string(), role: OperatorRole })),
  running: DirectoryRunProgress.nullable().describe('the run in progress on this server, if any'),
  lastRun: DirectoryLastRun.nullable(),
  accounts: z
    .object({ users: AccountSources, operators: AccountSources })
    .describe('who came from where: accounts synced from the directory and local ones'),
});
export type DirectoryStatus = z.infer<typeof DirectoryStatus>;

export const DirectoryConnectionTest = z.object({
  ok: z.boolean(),
  durationMs: z.number().int(),
  steps: z.array(
    z.object({
      step: z.enum(['connect', 'starttls', 'bind', 'search']),
      ok: z.boolean(),
      message: z.string(),
    }),
  ),
  sample: z
    .array(
      z.object({
        username: z.string(),
        displayName: z.string(),
        email: z.string(),
        disabled: z.boolean(),
        dn: z.string(),
      }),
    )
    .describe('the first users the filter selects, as they would be synced'),
  incomplete: z.number().int().describe('entries in the sample without a username or stable id'),
});
export type DirectoryConnectionTest = z.infer<typeof DirectoryConnectionTest>;
