/**
 * Short-lived single sign-on state, kept in the server's memory: flows between the redirect to the
 * provider and its return (minutes), sign-in results waiting for their one exchange, step-up proofs and
 * the unlock tool's waits. Every key is a SHA-256 digest of a random secret, so a memory dump shows no
 * usable value; every entry expires. Restarting the server ends flows in progress (the person signs in
 * again). One server process per database is assumed, as with the embedded database; several
 * processes behind one load balancer need sticky sessions for /api/v1/auth/sso/* (docs/sso.md).
 */
import { sha256Hex } from '@cardwarden/protocol/crypto';

interface Entry<T> {
  readonly value: T;
  readonly expiresAt: number;
}

/** A map whose entries expire and are keyed by the digest of a secret. */
export class ExpiringSecrets<T> {
  private readonly entries = new Map<string, Entry<T>>();

  constructor(
    private readonly ttlMs: number,
    /** Refuse new entries beyond this many live ones: a flood of started sign-ins cannot fill memory. */
    private readonly capacity = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** Stores `value` under `secret`; false when full. */
  put(secret: string, value: T, ttlMs = this.ttlMs): boolean {
    this.sweep();
    if (this.entries.size >= this.capacity) return false;
    this.entries.set(sha256Hex(secret), { value, expiresAt: this.now() + ttlMs });
    return true;
  }

  /** The value under `secret` without removing it. */
  peek(secret: string): T | undefined {
    const entry = this.entries.get(sha256Hex(secret));
    if (!entry || entry.expiresAt <= this.now()) return undefined;
    return entry.value;
  }

  /** Removes and returns the value under `secret`: each secret works once. */
  take(secret: string): T | undefined {
    const key = sha256Hex(secret);
    const entry = this.entries.get(key);
    this.entries.delete(key);
    if (!entry || entry.expiresAt <= this.now()) return undefined;
    return entry.value;
  }

  expiresAt(secret: string): Date | undefined {
    const entry = this.entries.get(sha256Hex(secret));
    return entry ? new Date(entry.expiresAt) : undefined;
  }

  private sweep(): void {
    const now = this.now();
    for (const [key, entry] of this.entries) if (entry.expiresAt <= now) this.entries.delete(key);
  }
}
