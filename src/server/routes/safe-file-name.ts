/**
 * The last path segment in NFC with control and bidirectional-formatting characters made visible
 * (C0 and DEL as their Unicode control pictures, C1 and bidi marks as U+FFFD), so a name cannot point
 * elsewhere nor spoof its extension (U+202E) in the UI, and the user sees where it was odd; at most
 * 255 code points.
 */
export function safeFileName(name: string): string {
  const base = name.normalize('NFC').split(/[\\/]/).pop() ?? '';
  const visible = base
    // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is made visible
    .replace(/[\u0000-\u001f\u007f]/g, (char) =>
      String.fromCodePoint(0x2400 + (char === '\u007f' ? 0x21 : char.charCodeAt(0))),
    )
    .replace(/[\u0080-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, '\ufffd')
    .trim();
  return visible === '' || visible === '.' || visible === '..'
    ? 'upload'
    : [...visible].slice(0, 255).join('');
}
