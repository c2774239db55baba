/**
 * Every closed set of words the API, the database and the clients share, defined once: the contract's
 * schemas build their `z.enum`s from these, the server's database schema types its columns and CHECK
 * constraints from them, and the web app imports them from `@cardwarden/contract/enums` (plain arrays,
 * no zod, so the browser bundle stays small).
 *
 * Types named like a schema (`CardType`, `OperatorRole`…) come from the main entry, inferred from these.
 *
 * Adding a word here changes a database CHECK constraint: generate a migration.
 *
 * @example
 * import { OPERATOR_ROLES } from '@cardwarden/contract/enums';
 * import type { OperatorRole } from '@cardwarden/contract';
 * const canIssue = (role: OperatorRole) => role === 'issuer' || role === 'admin';
 */
import { ADMIN_KEY_ALGORITHMS } from '@cardwarden/protocol/admin-key';

export { ADMIN_KEY_ALGORITHMS };

/** Cardholders: `deleted` keeps the row (and its audit trail) of someone who left. */
export const USER_STATES = ['active', 'suspended', 'deleted'] as const;

/** Where a cardholder or a staff account comes from: made here, or synchronised from the directory. */
export const ACCOUNT_SOURCES = ['local', 'directory'] as const;
export type AccountSource = (typeof ACCOUNT_SOURCES)[number];

/** Staff roles. `issuer` issues cards and does nothing else. */
export const OPERATOR_ROLES = ['admin', 'supervisor', 'operator', 'auditor', 'issuer'] as const;

export const OPERATOR_STATES = ['active', 'disabled'] as const;
export type OperatorState = (typeof OPERATOR_STATES)[number];

/** The roles a second factor can be required of. */
export const SECOND_FACTOR_ROLES = ['admin', 'supervisor'] as const;

export const CARD_TYPES = ['minidriver', 'gids', 'piv'] as const;

/** A blocked PIN does not change this: a blocked card stays `active`, and is exactly the card to unblock. */
export const CARD_STATES = ['active', 'suspended', 'revoked'] as const;

/** Where a profile's new admin keys come from. */
export const ADMIN_KEY_SOURCES = ['random', 'derived'] as const;

/** The AES key a master's CMAC-based key derivation runs with. */
export const MASTER_ALGORITHMS = ['aes128', 'aes192', 'aes256'] as const;
export type MasterAlgorithm = (typeof MASTER_ALGORITHMS)[number];

/** Where masters live: sealed under the KEK, or as non-extractable keys on the HSM. */
export const MASTER_CUSTODIES = ['kek', 'hsm'] as const;

export const MASTER_STATES = ['active', 'retired'] as const;
export type MasterState = (typeof MASTER_STATES)[number];

export const ISSUANCE_STATES = ['open', 'completed', 'failed', 'abandoned'] as const;
export type IssuanceState = (typeof ISSUANCE_STATES)[number];

export const ISSUANCE_STEPS = ['authenticate', 'write-key', 'finish', 'done'] as const;
export type IssuanceStepName = (typeof ISSUANCE_STEPS)[number];

/** Which of a card's admin keys an issuance step authenticated with. */
export const ADMIN_KEY_SLOTS = ['current', 'pending'] as const;
export type AdminKeySlot = (typeof ADMIN_KEY_SLOTS)[number];

/** Who holds a session token, or started an offline unblock. */
export const SUBJECT_TYPES = ['operator', 'cardholder'] as const;
export type SubjectType = (typeof SUBJECT_TYPES)[number];

/** A token's scope: `second_factor` only lets its holder finish the second factor. */
export const TOKEN_SCOPES = ['full', 'second_factor'] as const;
export type TokenScope = (typeof TOKEN_SCOPES)[number];

export const OFFLINE_UNBLOCK_STATES = ['open', 'unblocked', 'failed', 'cancelled'] as const;
export type OfflineUnblockState = (typeof OFFLINE_UNBLOCK_STATES)[number];

/** What the card did with a response. */
export const OUTCOMES = ['unblocked', 'failed'] as const;
export type Outcome = (typeof OUTCOMES)[number];

export const ONLINE_UNLOCK_STATES = ['open', 'responded', 'unblocked', 'failed'] as const;
export type OnlineUnlockState = (typeof ONLINE_UNLOCK_STATES)[number];

export const NOTIFICATION_STATUSES = ['pending', 'sent', 'failed'] as const;
export type NotificationStatus = (typeof NOTIFICATION_STATUSES)[number];

export const AUDIT_ACTOR_TYPES = ['operator', 'cardholder', 'system', 'anonymous'] as const;
export type AuditActorType = (typeof AUDIT_ACTOR_TYPES)[number];
