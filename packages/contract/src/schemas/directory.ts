import { z } from 'zod';

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
});
export type DirectorySyncResult = z.infer<typeof DirectorySyncResult>;
