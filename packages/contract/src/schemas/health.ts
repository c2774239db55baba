import { z } from 'zod';

/** What the health probes answer when all is well. */
export const HealthStatus = z.object({ status: z.literal('ok') });
export type HealthStatus = z.infer<typeof HealthStatus>;
