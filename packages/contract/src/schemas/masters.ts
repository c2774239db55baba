import { z } from 'zod';
import { Timestamp } from './common.js';
import { MASTER_ALGORITHMS } from '../enums.js';

/** A master key of a profile, as the API shows it: never the key, only which it is and where it lives. */
export const MasterKey = z.object({
  id: z.string(),
  profileId: z.string(),
  version: z
    .number()
    .int()
    .describe('the key version in the derivation context; new cards use the highest active one'),
  algorithm: z.enum(MASTER_ALGORITHMS).describe('the AES key the CMAC of the KDF runs with'),
  custody: z
    .enum(['kek', 'hsm'])
    .describe('sealed under the KEK in the database, or a non-extractable key on the HSM'),
  checkValue: z
    .string()
    .describe(
      'CMAC(master, "cardwarden master check v1"), 6 hex digits: tells masters apart, reveals nothing',
    ),
  state: z
    .enum(['active', 'retired'])
    .describe('retired masters still derive the keys of the cards issued under them'),
  current: z.boolean(),
  createdAt: Timestamp,
});
export type MasterKey = z.infer<typeof MasterKey>;

export const MasterKeyList = z.object({ items: z.array(MasterKey) });
export type MasterKeyList = z.infer<typeof MasterKeyList>;

export const CreateMasterBody = z
  .object({
    algorithm: z.enum(MASTER_ALGORITHMS).default('aes256'),
    reason: z.string().trim().max(500).optional(),
  })
  .default({ algorithm: 'aes256' });
export type CreateMasterBody = z.infer<typeof CreateMasterBody>;
