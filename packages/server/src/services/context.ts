import type { Database } from '../db/database.js';
import type { KeyCustody } from '../keys/key-custody.js';
import type { Notifier } from '../notifications/notifier.js';
import type { OperatorRole } from '../repositories/operator.repository.js';
import type { DirectoryContext } from './directory-sync.service.js';
import type { ServiceMetrics } from '../observability/metrics.js';
import type { SsoContext } from '../sso/sso-context.js';
import type { WorkGate } from '../auth/work-gate.js';

/** What services need from the outside world, handed in by the caller. */
export interface ServiceContext {
  readonly db: Database;
  readonly keys: KeyCustody;
  readonly sessionHours: number;
  readonly notifier: Notifier;
  readonly onlineUnlockLimits: {
    readonly perAddress: number;
    readonly perCard: number;
    readonly windowMinutes: number;
  };
  /** Directory sync and sign-in; undefined when no directory is configured. */
  readonly directory?: DirectoryContext | undefined;
  /** OpenID Connect single sign-on; undefined when it is not configured. */
  readonly sso?: SsoContext | undefined;
  /** Admission to the anonymous endpoints (http/anonymous-admission.ts); none when undefined. */
  readonly anonymousLane?: WorkGate | undefined;
  /** Where services report what the metrics count (lockouts); none when undefined. */
  readonly metrics?: ServiceMetrics | undefined;
}

/** Who is acting: a signed-in operator or a cardholder in self-service. */
export type Actor =
  | { readonly type: 'operator'; readonly id: string; readonly username: string; readonly role: OperatorRole }
  | { readonly type: 'cardholder'; readonly id: string; readonly username: string };

export type OperatorActor = Extract<Actor, { type: 'operator' }>;
export type CardholderActor = Extract<Actor, { type: 'cardholder' }>;

/** The fields of an audit event that name who did it. */
export function auditActor(actor: Actor): { actor: string; actorType: Actor['type'] } {
  return { actor: actor.username, actorType: actor.type };
}
