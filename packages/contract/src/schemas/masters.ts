import { z } from 'zod';
import { Timestamp } from './common.js';
import { MASTER_ALGORITHMS, MASTER_CUSTODIES } from '../enums.js';

/** Where the server keeps masters: sealed under the KEK (file or HSM KEK), or as keys of their own on an HSM. */
export const MasterCustody = z.enum(MASTER_CUSTODIES);
export type MasterCustody = z.infer<typeof MasterCustody>;

/** A master key of a profile, as the API shows it: never the key, only which it is and where it lives. */
export const MasterKey = z.object({
  id: z.string(),
  profileId: z.string(),
  version: z
    .number()
    .int()
    .describe('the key version in the derivation context; new cards use the highest active one'),
  algorithm: z.enum(MASTER_ALGORITHMS).describe('the AES key the CMAC of the KDF runs with'),
  custody: MasterCustody.describe(
    'sealed under the KEK in the database, or a non-extractable key on the HSM',
  ),
  checkValue: z
    .string()
    .describe(
      'CMAC(master, "cardwarden master check v1"), 6 hex digits: tells masters apart, reveals nothing',
    ),
  state: z
    .enum(['active', 'retired'])
    .describe('retired masters still derive the keys of the cards issued under them'),
  current: z.boolean(),
  cardCount: z
    .number()
    .int()
    .describe(
      'cards whose admin key is derived from this version (a card being re-keyed counts here until its new key is proved)',
    ),
  createdAt: Timestamp,
});
export type MasterKey = z.infer<typeof MasterKey>;

export const MasterKeyList = z.object({
  items: z.array(MasterKey),
  newVersionCustody: MasterCustody.describe(
    'where a new version (rotation, or the first derived card) would be made: `hsm` when the server runs with an HSM, else `kek`',
  ),
});
export type MasterKeyList = z.infer<typeof MasterKeyList>;

export const CreateMasterBody = z
  .object({
    algorithm: z.enum(MASTER_ALGORITHMS).default('aes256'),
    reason: z.string().trim().max(500).optional(),
  })
  .default({ algorithm: 'aes256' });
export type CreateMasterBody = z.infer<typeof CreateMasterBody>;
