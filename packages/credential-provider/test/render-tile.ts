/**
 * Draws the tile as LogonUI would lay it out, from what the provider reported through the harness (field types,
 * labels, states and strings, and the status of the last GetSerialization): the pictures in
 * docs/windows-credential-provider.md. A sketch of the layout, not LogonUI's pixels (only Windows draws those).
 */
import { CPFT, CPSI, type FieldView } from './wine-support.js';

const WIDTH = 520;
const escape = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Splits `text` into lines of at most `max` characters at spaces. */
function wrap(text: string, max: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && line.length + word.length + 1 > max) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines;
}

export function renderTileSvg(fields: readonly FieldView[], status?: { text: string; icon: number }): string {
  const parts: string[] = [];
  let y = 40;
  const text = (content: string, size: number, weight = 'normal', color = '#ffffff') => {
    for (const line of wrap(content, size > 20 ? 30 : 58)) {
      parts.push(
        `<text x="40" y="${y}" font-family="Segoe UI, sans-serif" font-size="${size}" font-weight="${weight}" fill="${color}">${escape(line)}</text>`,
      );
      y += size + 8;
    }
  };
  for (const field of fields.filter((f) => f.state === 1 || f.state === 3)) {
    if (field.type === CPFT.LARGE_TEXT) {
      text(field.text, 28, '600');
      y += 6;
    } else if (field.type === CPFT.SMALL_TEXT) {
      text(field.text, 15);
      y += 4;
    } else if (field.type === CPFT.EDIT_TEXT || field.type === CPFT.PASSWORD_TEXT) {
      const shown = field.text
        ? field.type === CPFT.PASSWORD_TEXT
          ? '●'.repeat(field.text.length)
          : field.text
        : field.label;
      parts.push(
        `<rect x="40" y="${y - 4}" width="${WIDTH - 80}" height="34" fill="#ffffff" stroke="#767676"/>`,
        `<text x="50" y="${y + 18}" font-family="Segoe UI, sans-serif" font-size="15" fill="${field.text ? '#000000' : '#6b6b6b'}">${escape(shown)}</text>`,
      );
      y += 44;
    } else if (field.type === CPFT.SUBMIT_BUTTON) {
      parts.push(
        `<rect x="${WIDTH - 76}" y="${y - 4}" width="36" height="34" fill="#2b5797"/>`,
        `<text x="${WIDTH - 67}" y="${y + 19}" font-family="Segoe UI, sans-serif" font-size="18" fill="#ffffff">→</text>`,
      );
      y += 44;
    }
  }
  if (status?.text) {
    const color =
      status.icon === CPSI.SUCCESS ? '#3fb950' : status.icon === CPSI.ERROR ? '#f85149' : '#d29922';
    const mark = status.icon === CPSI.SUCCESS ? '✓' : status.icon === CPSI.ERROR ? '✕' : '!';
    y += 6;
    parts.push(`<circle cx="52" cy="${y - 5}" r="11" fill="${color}"/>`);
    parts.push(
      `<text x="47" y="${y}" font-family="Segoe UI, sans-serif" font-size="14" fill="#ffffff">${mark}</text>`,
    );
    for (const line of wrap(status.text, 52)) {
      parts.push(
        `<text x="72" y="${y}" font-family="Segoe UI, sans-serif" font-size="15" fill="#ffffff">${escape(line)}</text>`,
      );
      y += 22;
    }
  }
  const height = y + 20;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}">`,
    `<rect width="${WIDTH}" height="${height}" fill="#1f3b5c"/>`,
    ...parts,
    '</svg>',
    '',
  ].join('\n');
}
