import { describe, expect, it } from 'vitest';
import { MaskedLineEditor, type EditorEvent } from './masked-line-editor.js';

const lines = (events: EditorEvent[]) => events.flatMap((e) => (e.kind === 'line' ? [e.line] : []));
const echoed = (events: EditorEvent[]) => events.flatMap((e) => (e.kind === 'echo' ? [e.text] : [])).join('');

describe('MaskedLineEditor', () => {
  it('shows one star per character and never the character itself', () => {
    const events = new MaskedLineEditor().feed('Rex the Dog\r');
    expect(lines(events)).toEqual(['Rex the Dog']);
    expect(echoed(events)).toBe('*'.repeat(11));
  });

  it('erases the last character on backspace (DEL or BS), and nothing on an empty line', () => {
    const editor = new MaskedLineEditor();
    const events = [...editor.feed('\x7f12'), ...editor.feed('4\x7f\b3'), ...editor.feed('\r')];
    expect(lines(events)).toEqual(['13']);
    expect(echoed(events)).toBe('***\b \b\b \b*');
  });

  it('erases a whole line on Ctrl-U', () => {
    const events = new MaskedLineEditor().feed('wrong\x15right\r');
    expect(lines(events)).toEqual(['right']);
    expect(echoed(events)).toBe(`*****${'\b \b'.repeat(5)}*****`);
  });

  it('keeps a character typed as several UTF-16 units as one, and erases it whole', () => {
    const events = new MaskedLineEditor().feed('ＰＡ😀\x7f\r');
    expect(lines(events)).toEqual(['ＰＡ']);
    expect(echoed(events)).toBe('***\b \b');
  });

  it('takes CR, LF and CR LF as one Enter each, and pasted lines as several', () => {
    const editor = new MaskedLineEditor();
    expect(lines(editor.feed('a\r\nb\nc\r'))).toEqual(['a', 'b', 'c']);
    // The LF of a CR LF split across two reads is still the same Enter.
    expect(lines(editor.feed('\nd\r'))).toEqual(['d']);
    expect(lines(editor.feed('\r'))).toEqual(['']);
  });

  it('ignores arrow keys, function keys, bracketed-paste marks and other control keys', () => {
    const events = new MaskedLineEditor().feed('\x1b[A1\x1bOP2\x1b[200~3\x1b[201~\t4\x1b[1;5D\r');
    expect(lines(events)).toEqual(['1234']);
    expect(echoed(events)).toBe('****');
  });

  it('reports Ctrl-C, and Ctrl-D only on an empty line', () => {
    const editor = new MaskedLineEditor();
    expect(editor.feed('12\x04')).not.toContainEqual({ kind: 'end' });
    expect(editor.feed('\x03')).toContainEqual({ kind: 'interrupt' });
    // Ctrl-C dropped what was typed: Ctrl-D now ends the input.
    expect(editor.feed('\x04')).toEqual([{ kind: 'end' }]);
  });
});
