import type { DocumentFormat } from '../../core/document.js';
import { LoreError } from '../../core/errors.js';
import { classifyCfb, explainCfb, isCfb } from './cfb.js';
import { decodeText, extensionOf, looksBinary } from './decode-text.js';
import { SafeZip } from './zip.js';

const zipFormatByExtension: Record<string, DocumentFormat> = {
  docx: 'docx',
  docm: 'docx',
  dotx: 'docx',
  pptx: 'pptx',
  pptm: 'pptx',
  ppsx: 'pptx',
  xlsx: 'xlsx',
  xlsm: 'xlsx',
  xlsb: 'xlsx',
  odt: 'odt',
  ods: 'ods',
  epub: 'epub',
};

const binaryExtensions = new Set([...Object.keys(zipFormatByExtension), 'xls', 'pdf', 'doc', 'ppt']);

const knownBinaries: Array<{ magic: Array<number | undefined>; offset?: number; what: string }> = [
  { magic: [0x89, 0x50, 0x4e, 0x47], what: 'a PNG image' },
  { magic: [0xff, 0xd8, 0xff], what: 'a JPEG image' },
  { magic: [0x47, 0x49, 0x46, 0x38], what: 'a GIF image' },
  { magic: [0x49, 0x49, 0x2a, 0x00], what: 'a TIFF image' },
  { magic: [0x4d, 0x4d, 0x00, 0x2a], what: 'a TIFF image' },
  { magic: [0x52, 0x49, 0x46, 0x46], what: 'a RIFF media file (WebP, WAV or AVI)' },
  { magic: [0x66, 0x74, 0x79, 0x70], offset: 4, what: 'an MP4/MOV/HEIC media file' },
  { magic: [0x49, 0x44, 0x33], what: 'an MP3 audio file' },
  { magic: [0x1f, 0x8b], what: 'a gzip archive' },
  { magic: [0x37, 0x7a, 0xbc, 0xaf], what: 'a 7-Zip archive' },
  { magic: [0x52, 0x61, 0x72, 0x21], what: 'a RAR archive' },
  { magic: [0x7f, 0x45, 0x4c, 0x46], what: 'a program (ELF)' },
  { magic: [0x4d, 0x5a], what: 'a Windows program' },
  { magic: [0x53, 0x51, 0x4c, 0x69, 0x74, 0x65], what: 'an SQLite database' },
];

/**
 * Detects a document's format from its content, using the file extension only to break ties.
 * Throws LoreError (`file_empty`, `file_encrypted`, `unsupported_format`, `file_corrupt`,
 * `file_truncated`) when the content cannot be ingested, with a message naming the file.
 *
 * @example
 * detectFormat(bytes, 'notes.md'); // 'markdown'
 */
export function detectFormat(bytes: Uint8Array, fileName: string): DocumentFormat {
  if (bytes.length === 0) throw new LoreError('file_empty', `${fileName} is empty (0 bytes).`);
  const extension = extensionOf(fileName);
  if (isPdf(bytes)) return 'pdf';
  if (isZip(bytes)) return detectZip(bytes, fileName, extension);
  if (isCfb(bytes)) {
    const kind = classifyCfb(bytes, fileName);
    if (kind === 'xls') return 'xls';
    throw explainCfb(kind, fileName);
  }
  for (const known of knownBinaries) {
    const offset = known.offset ?? 0;
    if (known.magic.every((byte, index) => byte === undefined || bytes[offset + index] === byte)) {
      throw new LoreError(
        'unsupported_format',
        `${fileName} is ${known.what}, not a document Lore can read.`,
      );
    }
  }
  if (looksBinary(bytes)) {
    throw new LoreError(
      'unsupported_format',
      `${fileName} does not look like a document Lore can read (unrecognised binary content).`,
    );
  }
  return detectText(bytes, fileName, extension);
}

function detectZip(bytes: Uint8Array, fileName: string, extension: string): DocumentFormat {
  const zip = SafeZip.open(bytes, fileName);
  if (zip.has('mimetype')) {
    const mimetype = new TextDecoder().decode(zip.read('mimetype').subarray(0, 200)).trim();
    if (mimetype === 'application/epub+zip') return 'epub';
    if (mimetype.startsWith('application/vnd.oasis.opendocument.text')) return 'odt';
    if (mimetype.startsWith('application/vnd.oasis.opendocument.spreadsheet')) return 'ods';
    if (mimetype.startsWith('application/vnd.oasis.opendocument.')) {
      throw new LoreError(
        'unsupported_format',
        `${fileName}: this OpenDocument type (${mimetype.slice('application/vnd.oasis.opendocument.'.length)}) is not supported. Export it as PDF, ODT or DOCX.`,
      );
    }
  }
  const fromContentTypes = officeFormatFromContentTypes(zip);
  if (fromContentTypes) return fromContentTypes;
  const names = zip.names();
  if (zip.has('[Content_Types].xml')) {
    if (names.some((name) => name.startsWith('word/'))) return 'docx';
    if (names.some((name) => name.startsWith('ppt/'))) return 'pptx';
    if (names.some((name) => name.startsWith('xl/'))) return 'xlsx';
  }
  if (zip.has('content.xml') && zip.has('META-INF/manifest.xml')) {
    if (extension === 'odt' || extension === 'ods') return extension;
  }
  if (zip.has('META-INF/container.xml')) return 'epub';
  const expected = zipFormatByExtension[extension];
  if (expected) {
    throw new LoreError(
      'file_corrupt',
      `${fileName} is a ZIP archive but not a valid .${extension} document (its required parts are missing).`,
    );
  }
  throw new LoreError(
    'unsupported_format',
    `${fileName} is a ZIP archive, not a document. Unpack it and upload the documents inside individually.`,
  );
}

function officeFormatFromContentTypes(zip: SafeZip): DocumentFormat | undefined {
  const contentTypes = zip.has('[Content_Types].xml') ? zip.readText('[Content_Types].xml') : '';
  if (
    /wordprocessingml\.(document|template)\.main|ms-word\.(document|template)\.macroEnabled/i.test(
      contentTypes,
    )
  ) {
    return 'docx';
  }
  if (
    /presentationml\.(presentation|slideshow|template)\.main|ms-powerpoint\.[a-z]+\.macroEnabled/i.test(
      contentTypes,
    )
  ) {
    return 'pptx';
  }
  if (
    /spreadsheetml\.(sheet|template)\.main|ms-excel\.(sheet|template)\.(binary\.)?macroEnabled/i.test(
      contentTypes,
    )
  ) {
    return 'xlsx';
  }
  return undefined;
}

function detectText(bytes: Uint8Array, fileName: string, extension: string): DocumentFormat {
  const { text } = decodeText(bytes.subarray(0, 64 * 1024));
  const head = text.replace(/^\ufeff/, '').trimStart();
  if (/^\{\\rtf/.test(head) || (extension === 'rtf' && head.startsWith('{\\'))) return 'rtf';
  const markup = head.replace(/^<\?xml[^>]*>\s*/i, '').replace(/^(<!--[\s\S]*?-->\s*)+/, '');
  if (/^<(!doctype\s+html|html[\s>])/i.test(markup)) return 'html';
  if (/^<\?xml[^>]*>/i.test(head) && head.includes('urn:schemas-microsoft-com:office:spreadsheet'))
    return 'xls';
  const isMarkdownExtension = extension === 'md' || extension === 'markdown';
  if (!isMarkdownExtension && extension !== 'csv' && extension !== 'tsv' && looksLikeHtml(markup, extension))
    return 'html';
  if (extension === 'csv' || extension === 'tsv') return 'csv';
  if (binaryExtensions.has(extension)) {
    if (extension === 'xls' && looksLikeCsv(text)) return 'csv';
    throw new LoreError(
      'file_corrupt',
      `${fileName} is not a valid .${extension} file: it contains plain text, not a ${extension.toUpperCase()} document.`,
    );
  }
  if (isMarkdownExtension) return 'markdown';
  if (looksLikeCsv(text)) return 'csv';
  if (looksLikeMarkdown(text)) return 'markdown';
  return 'text';
}

const typicalTag =
  /^<(head|body|div|p|table|meta|title|link|script|style|h[1-6]|span|section|article|main|ul|ol|form|nav|header)[\s>/]/i;

function looksLikeHtml(markup: string, extension: string): boolean {
  if (!typicalTag.test(markup)) return false;
  if (extension === 'html' || extension === 'htm' || extension === 'xhtml' || extension === '') return true;
  const closingTags = markup.slice(0, 8192).match(/<\/[a-z][a-z0-9]*>/gi)?.length ?? 0;
  return closingTags >= 3;
}

/** Several lines with the same number of delimiters (quote-aware) look like CSV/TSV. */
export function looksLikeCsv(text: string): boolean {
  const lines = text
    .split(/\r\n?|\n/)
    .filter((line) => line.trim().length > 0)
    .slice(0, 50);
  if (lines.length < 3) return false;
  for (const delimiter of [',', '\t', ';']) {
    const counts = lines.map((line) => countDelimiters(line, delimiter));
    const first = counts[0] ?? 0;
    if (first < 1) continue;
    const agreeing = counts.filter((count) => count === first).length;
    if (agreeing >= lines.length * 0.9) return true;
  }
  return false;
}

function countDelimiters(line: string, delimiter: string): number {
  let count = 0;
  let quoted = false;
  for (const char of line) {
    if (char === '"') quoted = !quoted;
    else if (char === delimiter && !quoted) count++;
  }
  return count;
}

/** Markdown structure (ATX/setext headings, fences, links, tables) scores above a threshold. */
export function looksLikeMarkdown(text: string): boolean {
  const lines = text.split(/\r\n?|\n/).slice(0, 400);
  let score = 0;
  let structural = 0;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    const previous = i > 0 ? (lines[i - 1] ?? '') : '';
    if (/^#{1,6}[ \t]+\S/.test(line)) {
      score += 2;
      structural++;
    } else if (/^(=+|-+)[ \t]*$/.test(line) && /\S/.test(previous) && !/^[-=\s]*$/.test(previous)) {
      score += 2;
      structural++;
    } else if (/^(```|~~~)/.test(line)) {
      score += 2;
      structural++;
    } else if (/^\|.*\|[ \t]*$/.test(line)) score += 1;
    else if (/^ {0,3}([-*+]|\d{1,9}[.)])[ \t]+\S/.test(line)) score += 0.5;
    else if (/^>[ \t]?/.test(line)) score += 0.5;
    if (/\[[^\]\n]+\]\([^)\s]+\)/.test(line)) {
      score += 1;
      structural++;
    }
    if (/(\*\*|__)\S[^*_]*\S\1/.test(line)) score += 0.5;
  }
  return structural >= 1 && score >= 4;
}

/** `%PDF-` at the start, or within the first KiB (junk before the header) when `%%EOF` ends the file. */
function isPdf(bytes: Uint8Array): boolean {
  const at = indexOfAscii(bytes, '%PDF-', 0, 1024);
  if (at === 0) return true;
  return at > 0 && indexOfAscii(bytes, '%%EOF', Math.max(0, bytes.length - 2048), bytes.length) >= 0;
}

function isZip(bytes: Uint8Array): boolean {
  if (bytes[0] !== 0x50 || bytes[1] !== 0x4b) return false;
  return (
    (bytes[2] === 3 && bytes[3] === 4) ||
    (bytes[2] === 5 && bytes[3] === 6) ||
    (bytes[2] === 7 && bytes[3] === 8)
  );
}

function indexOfAscii(bytes: Uint8Array, needle: string, from: number, to: number): number {
  const last = Math.min(bytes.length - needle.length, to);
  for (let at = from; at <= last; at++) {
    let matched = true;
    for (let i = 0; i < needle.length; i++) {
      if (bytes[at + i] !== needle.charCodeAt(i)) {
        matched = false;
        break;
      }
    }
    if (matched) return at;
  }
  return -1;
}
