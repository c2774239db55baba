/**
 * What both software cards (GIDS, PIV) do alike around their own instructions: they hold a persistent
 * state with a PIN counter and tell their listener of every change, remember whether their one
 * application is selected and the PIN verified, and run each APDU through the shared command loop
 * (apdu-dispatch.ts). A card adds its instructions (`instructions`, `select`) and what else its security state holds
 * (`clearSecurity`).
 */
import { dispatchApdu, type ApduHandler } from './apdu-dispatch.js';
import type { CommandApdu } from '@cardwarden/protocol/apdu';
import type { PersistListener, SoftwareCard } from './software-card.js';

export abstract class SingleApplicationCard<State extends { pinTriesLeft: number }> implements SoftwareCard {
  abstract readonly atr: Uint8Array;
  protected selected = false;
  protected pinVerified = false;
  /** The handler of each instruction of the selected application (SELECT is `select`). */
  protected abstract readonly instructions: ReadonlyMap<number, ApduHandler>;
  /** The status word for malformed data inside a well-formed APDU. */
  protected abstract readonly malformedSw: number;

  constructor(
    protected readonly state: State,
    protected readonly persist: PersistListener<State> = () => undefined,
  ) {}

  /** A copy of the persistent state. */
  snapshot(): State {
    return structuredClone(this.state);
  }

  /** For testers: block the PIN as if wrong PINs had been entered until no try was left. */
  blockPin(): void {
    this.state.pinTriesLeft = 0;
    this.pinVerified = false;
    this.persist(this.state);
  }

  reset(): void {
    this.selected = false;
    this.clearSecurity();
  }

  process(bytes: Uint8Array): Uint8Array {
    return dispatchApdu(bytes, {
      select: (command) => this.select(command),
      isSelected: () => this.selected,
      handlers: this.instructions,
      malformedSw: this.malformedSw,
    });
  }

  /** SELECT (INS A4), answered whether or not the application is selected. */
  protected abstract select(command: CommandApdu): Uint8Array;

  /** Forgets every authentication: the PIN's, and what a card adds (it calls this one too). */
  protected clearSecurity(): void {
    this.pinVerified = false;
  }
}
