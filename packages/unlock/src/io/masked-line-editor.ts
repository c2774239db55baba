/**
 * The keystrokes of a terminal in raw mode turned into lines, with a `*` shown for each character typed:
 * answers, responses, PUKs and PINs are never echoed. Pure (no streams), so every key is tested directly.
 */

/** What one keystroke, or a chunk of pasted keystrokes, did. */
export type EditorEvent =
  /** Write this to the terminal (stars, or erasing them). */
  | { readonly kind: 'echo'; readonly text: string }
  /** A line was finished with Enter. */
  | { readonly kind: 'line'; readonly line: string }
  /** Ctrl-D on an empty line: the input ended. */
  | { readonly kind: 'end' }
  /** Ctrl-C. */
  | { readonly kind: 'interrupt' };

const CTRL_C = '\x03';
const CTRL_D = '\x04';
const CTRL_U = '\x15';
const ESCAPE = '\x1b';
const ERASE_ONE = '\b \b';

/**
 * Feeds chunks of raw terminal input and returns what happened, in order. Pasted text with several lines
 * gives several `line` events.
 * @example new MaskedLineEditor().feed('12\x7f3\r') // [echo '*', echo '*', echo '\b \b', echo '*', line '13']
 */
export class MaskedLineEditor {
  /** Code points typed so far on the current line (one star each). */
  private typed: string[] = [];
  /** Inside an escape sequence (arrow keys, function keys, bracketed paste marks): none of it is text. */
  private escape: 'none' | 'start' | 'csi' | 'ss3' = 'none';
  /** A CR was the last key: a LF right after it belongs to the same Enter. */
  private afterCarriageReturn = false;

  feed(chunk: string): EditorEvent[] {
    const events: EditorEvent[] = [];
    for (const key of chunk) {
      const afterCr = this.afterCarriageReturn;
      this.afterCarriageReturn = false;
      if (this.skipEscape(key)) continue;
      if (key === '\r' || key === '\n') {
        if (key === '\n' && afterCr) continue;
        this.afterCarriageReturn = key === '\r';
        events.push({ kind: 'line', line: this.typed.join('') });
        this.typed = [];
      } else if (key === '\x7f' || key === '\b') {
        if (this.typed.pop() !== undefined) events.push({ kind: 'echo', text: ERASE_ONE });
      } else if (key === CTRL_U) {
        if (this.typed.length > 0) events.push({ kind: 'echo', text: ERASE_ONE.repeat(this.typed.length) });
        this.typed = [];
      } else if (key === CTRL_C) {
        this.typed = [];
        events.push({ kind: 'interrupt' });
      } else if (key === CTRL_D) {
        if (this.typed.length === 0) events.push({ kind: 'end' });
      } else if (key === ESCAPE) {
        this.escape = 'start';
      } else if (key >= ' ') {
        this.typed.push(key);
        events.push({ kind: 'echo', text: '*' });
      }
      // Other control keys (Tab, Ctrl-A…) are not part of any answer, response or PIN: ignored.
    }
    return events;
  }

  /** True when `key` belongs to an escape sequence (ECMA-48 CSI or SS3) and must not become text. */
  private skipEscape(key: string): boolean {
    switch (this.escape) {
      case 'none':
        return false;
      case 'start':
        this.escape = key === '[' ? 'csi' : key === 'O' ? 'ss3' : 'none';
        return true;
      case 'ss3':
        this.escape = 'none';
        return true;
      case 'csi': {
        // Parameters and intermediates are 0x20–0x3F; a final byte 0x40–0x7E ends the sequence.
        const code = key.codePointAt(0) ?? 0;
        if (code >= 0x40 && code <= 0x7e) this.escape = 'none';
        return true;
      }
    }
  }
}
