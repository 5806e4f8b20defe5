/** Text decoded from bytes, with the encoding that was used. */
export interface DecodedText {
  text: string;
  encoding: string;
  /** True when the encoding was a guess (not UTF-8, no byte order mark, no declaration). */
  guessed: boolean;
}

/**
 * Decodes text: byte order marks (UTF-8, UTF-16 LE/BE) first, then BOM-less UTF-16, then strict
 * UTF-8, then `fallback` (a declared charset, or Windows-1252, which never fails).
 */
export function decodeText(bytes: Uint8Array, fallback?: string): DecodedText {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
    return { text: new TextDecoder('utf-8').decode(bytes.subarray(3)), encoding: 'utf-8', guessed: false };
  }
  if (bytes[0] === 0xff && bytes[1] === 0xfe) {
    return {
      text: new TextDecoder('utf-16le').decode(bytes.subarray(2)),
      encoding: 'utf-16le',
      guessed: false,
    };
  }
  if (bytes[0] === 0xfe && bytes[1] === 0xff) {
    return {
      text: new TextDecoder('utf-16be').decode(bytes.subarray(2)),
      encoding: 'utf-16be',
      guessed: false,
    };
  }
  const utf16 = guessUtf16(bytes);
  if (utf16) return { text: new TextDecoder(utf16).decode(bytes), encoding: utf16, guessed: true };
  try {
    return {
      text: new TextDecoder('utf-8', { fatal: true }).decode(bytes),
      encoding: 'utf-8',
      guessed: false,
    };
  } catch {
    if (!fallback) {
      const guess = guessUtf8WithErrors(bytes) ?? guessShiftJis(bytes);
      if (guess) return guess;
    }
    const encoding = fallback && isSupportedEncoding(fallback) ? fallback : 'windows-1252';
    return { text: decodeWith(encoding, bytes), encoding, guessed: fallback === undefined };
  }
}

/**
 * UTF-8 with a few broken bytes (a truncated copy, a stray Latin-1 byte) stays UTF-8, the broken
 * bytes becoming U+FFFD: decoding all of it as Windows-1252 would turn every correct character into
 * mojibake. Used when valid multi-byte sequences clearly outnumber the broken ones.
 */
function guessUtf8WithErrors(bytes: Uint8Array): DecodedText | undefined {
  const text = new TextDecoder('utf-8').decode(bytes);
  let broken = 0;
  let valid = 0;
  for (const char of text) {
    if (char === '\ufffd') broken++;
    else if (char.charCodeAt(0) > 0x7f) valid++;
  }
  if (valid === 0 || broken * 2 > valid) return undefined;
  return { text, encoding: 'utf-8', guessed: true };
}

/**
 * Shift_JIS (Japanese files from Windows): accepted only when it decodes without error and has kana
 * (hiragana or katakana), which Latin-1 text read as Shift_JIS never produces.
 */
function guessShiftJis(bytes: Uint8Array): DecodedText | undefined {
  let text: string;
  try {
    text = new TextDecoder('shift_jis', { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
  let kana = 0;
  let nonAscii = 0;
  for (const char of text) {
    const code = char.charCodeAt(0);
    if (code <= 0x7f) continue;
    nonAscii++;
    if (code >= 0x3040 && code <= 0x30ff) kana++;
  }
  if (kana < 2 || kana * 10 < nonAscii) return undefined;
  return { text, encoding: 'shift_jis', guessed: true };
}

/** True when TextDecoder knows this label. */
export function isSupportedEncoding(label: string): boolean {
  try {
    new TextDecoder(label);
    return true;
  } catch {
    return false;
  }
}

/** BOM-less UTF-16 shows up as a NUL in every other byte of mostly-ASCII text. */
function guessUtf16(bytes: Uint8Array): 'utf-16le' | 'utf-16be' | undefined {
  const sample = Math.min(bytes.length, 4096) & ~1;
  if (sample < 4) return undefined;
  let evenZeros = 0;
  let oddZeros = 0;
  for (let i = 0; i < sample; i += 2) {
    if (bytes[i] === 0) evenZeros++;
    if (bytes[i + 1] === 0) oddZeros++;
  }
  const pairs = sample / 2;
  if (oddZeros > pairs * 0.4 && evenZeros < pairs * 0.05) return 'utf-16le';
  if (evenZeros > pairs * 0.4 && oddZeros < pairs * 0.05) return 'utf-16be';
  return undefined;
}

/**
 * True when the bytes are not text: NUL bytes (outside UTF-16) or many control characters in the
 * first 8 KiB.
 */
export function looksBinary(bytes: Uint8Array): boolean {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return false;
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return false;
  if (guessUtf16(bytes)) return false;
  const sample = Math.min(bytes.length, 8192);
  let control = 0;
  for (let i = 0; i < sample; i++) {
    const byte = bytes[i] ?? 0;
    if (byte === 0) return true;
    if (byte < 0x20 && byte !== 0x09 && byte !== 0x0a && byte !== 0x0d && byte !== 0x0c && byte !== 0x1b)
      control++;
  }
  return control > sample * 0.05;
}

/** CRLF and lone CR become LF; a leading byte order mark is dropped. */
export function normaliseLineEndings(text: string): string {
  const withoutBom = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  return withoutBom.replace(/\r\n?/g, '\n');
}

/** File name without folders and without its last extension, for titles. */
export function baseName(fileName: string): string {
  const name = fileName.split(/[\\/]/).pop() ?? fileName;
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(0, dot) : name;
}

/** Lower-case extension without the dot, or ''. */
export function extensionOf(fileName: string): string {
  const name = fileName.split(/[\\/]/).pop() ?? fileName;
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(dot + 1).toLowerCase() : '';
}

/** Windows-1252 0x80–0x9F; Node 20's TextDecoder decodes this label as ISO-8859-1 instead. */
const cp1252High = [
  0x20ac, 0x81, 0x201a, 0x192, 0x201e, 0x2026, 0x2020, 0x2021, 0x2c6, 0x2030, 0x160, 0x2039, 0x152, 0x8d,
  0x17d, 0x8f, 0x90, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x2dc, 0x2122, 0x161, 0x203a,
  0x153, 0x9d, 0x17e, 0x178,
];

/** Decodes with a TextDecoder label, correcting Node's Windows-1252 (which behaves as Latin-1). */
export function decodeWith(label: string, bytes: Uint8Array): string {
  const decoder = new TextDecoder(label);
  const text = decoder.decode(bytes);
  if (decoder.encoding !== 'windows-1252') return text;
  return text.replace(/[\u0080-\u009f]/g, (char) =>
    String.fromCharCode(cp1252High[char.charCodeAt(0) - 0x80] ?? char.charCodeAt(0)),
  );
}
