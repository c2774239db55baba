/**
 * Short-lived single sign-on state, kept in the database (sso_pending) so that every server instance on
 * it sees the same: a callback, an exchange, a step-up proof or an unlock-tool poll may land on any
 * instance. Each row is found by the SHA-256 digest of a random handle (the handle itself is stored
 * nowhere), its value is sealed under the KEK with the kind and digest as associated data (a row copied
 * under another handle does not open), and it expires; housekeeping deletes expired rows. Taking a row
 * is an atomic DELETE … RETURNING: a replayed handle is refused on every instance.
 */
import { sha256Hex, SealError } from '@cardwarden/protocol/crypto';
import type { Database } from '../db/database.js';
import type { KeyCustody } from '../keys/key-custody.js';
import {
  countLiveSsoPending,
  findSsoPending,
  insertSsoPending,
  replaceSsoPending,
  takeSsoPending,
  type SsoPendingPayload,
} from '../repositories/sso-pending.repository.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** One kind of state: its name in the table, how long it lives, and how many may be live at once. */
export class SsoStateKind<T> {
  constructor(
    readonly name: string,
    readonly ttlMs: number,
    /**
     * Refuse new entries beyond this many live ones: a flood of started sign-ins cannot fill the table.
     * Undefined: no count (for state only a successful sign-in makes, bounded like its sessions).
     */
    readonly capacity: number | undefined = 10_000,
  ) {}

  /** Stores `value` under `handle`; false when full. */
  async put(
    where: StateWhere,
    handle: string,
    value: T,
    ttlMs = this.ttlMs,
    now = new Date(),
  ): Promise<boolean> {
    const { capacity } = this;
    if (
      capacity !== undefined &&
      (await countLiveSsoPending(where.db, this.name, capacity, now)) >= capacity
    ) {
      return false;
    }
    const lookup = sha256Hex(handle);
    await insertSsoPending(where.db, {
      kind: this.name,
      lookup,
      payload: this.seal(where.keys, lookup, value),
      expiresAt: new Date(now.getTime() + ttlMs),
    });
    return true;
  }

  /** The value under `handle` without removing it. */
  async peek(where: StateWhere, handle: string): Promise<T | undefined> {
    const lookup = sha256Hex(handle);
    const payload = await findSsoPending(where.db, this.name, lookup, new Date());
    return payload && this.open(where.keys, lookup, payload);
  }

  /** Removes and returns the value under `handle`: each handle works once, on every instance. */
  async take(where: StateWhere, handle: string): Promise<T | undefined> {
    const lookup = sha256Hex(handle);
    const payload = await takeSsoPending(where.db, this.name, lookup, new Date());
    return payload && this.open(where.keys, lookup, payload);
  }

  /** Replaces the value under `handle`, keeping its expiry; false when it is gone. */
  async replace(where: StateWhere, handle: string, value: T): Promise<boolean> {
    const lookup = sha256Hex(handle);
    return replaceSsoPending(where.db, this.name, lookup, this.seal(where.keys, lookup, value), new Date());
  }

  private seal(keys: KeyCustody, lookup: string, value: T): SsoPendingPayload {
    return { sealed: keys.sealSsoState(`${this.name}:${lookup}`, encoder.encode(JSON.stringify(value))) };
  }

  /** Undefined when the value does not open (sealed under a KEK since rotated away): sign in again. */
  private open(keys: KeyCustody, lookup: string, payload: SsoPendingPayload): T | undefined {
    try {
      const bytes = keys.openSsoState(`${this.name}:${lookup}`, payload.sealed);
      // Sealed by this server with its kind as associated data: the shape is the one written.
      return JSON.parse(decoder.decode(bytes)) as T;
    } catch (error) {
      if (error instanceof SealError) return undefined;
      throw error;
    }
  }
}

/** Where the state lives: the database and the keys that seal it. */
export interface StateWhere {
  readonly db: Database;
  readonly keys: KeyCustody;
}
