/** A message as a sentence of its own: "the PIN must…" → "The PIN must…". */
export function sentence(text: string): string {
  return `${text[0]?.toUpperCase() ?? ''}${text.slice(1)}`;
}
