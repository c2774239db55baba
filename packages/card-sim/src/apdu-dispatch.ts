/** The command loop both software cards share: parse, class check, SELECT, selection check, dispatch. */
import { encodeResponseApdu, parseCommandApdu, SW, type CommandApdu } from '@cardwarden/protocol/apdu';

const EMPTY = new Uint8Array();

/** A response APDU: data ‖ SW1 SW2. */
export function reply(sw: number, data: Uint8Array = EMPTY): Uint8Array {
  return encodeResponseApdu(data, sw);
}

export type ApduHandler = (command: CommandApdu) => Uint8Array;

export interface ApduDispatch {
  /** SELECT (INS A4), answered whether or not the application is selected. */
  readonly select: ApduHandler;
  /** Whether the application is selected; other instructions are refused until it is. */
  readonly isSelected: () => boolean;
  /** The handler for each instruction the selected application supports. */
  readonly handlers: ReadonlyMap<number, ApduHandler>;
  /** The status word when a handler throws on malformed data inside a well-formed APDU. */
  readonly malformedSw: number;
}

/** Processes one command APDU for a card with one application; never throws. */
export function dispatchApdu(bytes: Uint8Array, dispatch: ApduDispatch): Uint8Array {
  let command: CommandApdu;
  try {
    command = parseCommandApdu(bytes);
  } catch {
    return reply(SW.WRONG_LENGTH);
  }
  if (command.cla !== 0x00) return reply(SW.CLA_NOT_SUPPORTED);
  if (command.ins === 0xa4) return dispatch.select(command);
  if (!dispatch.isSelected()) return reply(command.ins === 0xcb ? SW.FILE_NOT_FOUND : SW.INS_NOT_SUPPORTED);
  const handler = dispatch.handlers.get(command.ins);
  if (!handler) return reply(SW.INS_NOT_SUPPORTED);
  try {
    return handler(command);
  } catch {
    return reply(dispatch.malformedSw);
  }
}
