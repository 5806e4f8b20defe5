import { LoreError } from '../../core/errors.js';
import { findFirst, parseXml, textContent, type XmlElement } from './xml-tree.js';
import type { SafeZip } from './zip.js';

/** Throws file_encrypted when META-INF/manifest.xml declares encrypted parts (a password-protected file). */
export function assertOdfNotEncrypted(zip: SafeZip): void {
  const manifest = zip.readTextIfPresent('META-INF/manifest.xml');
  if (manifest && /<(\w+:)?encryption-data\b/.test(manifest)) {
    throw new LoreError(
      'file_encrypted',
      `${zip.fileName} is password protected. Remove the password in LibreOffice (File > Properties > Security) and upload it again.`,
    );
  }
}

/** Reads and parses `content.xml`, or throws file_corrupt when it is missing. */
export function readOdfContent(zip: SafeZip, kind: string): XmlElement {
  if (!zip.has('content.xml')) {
    throw new LoreError(
      'file_corrupt',
      `${zip.fileName}: not a valid OpenDocument ${kind} (content.xml is missing).`,
    );
  }
  return parseXml(zip.readText('content.xml'), zip.fileName, 'content.xml');
}

/** `dc:title` from meta.xml, when present and not blank. */
export function readOdfTitle(zip: SafeZip): string | undefined {
  const xml = zip.readTextIfPresent('meta.xml');
  if (xml === undefined) return undefined;
  try {
    const title = findFirst(parseXml(xml, zip.fileName, 'meta.xml'), 'title');
    const text = title ? textContent(title).replace(/\s+/g, ' ').trim() : '';
    return text.length > 0 ? text : undefined;
  } catch {
    return undefined; // metadata is optional
  }
}

/** Elements whose text is not part of the running text: deletions, annotations, hidden fields. */
const nonTextElements = new Set([
  'tracked-changes',
  'change',
  'annotation',
  'annotation-end',
  'note',
  'sequence-decls',
  'variable-decls',
  'user-field-decls',
  'desc',
  'title',
]);

/**
 * Inline text of an ODF paragraph: spans and links flattened, `text:s` (with `text:c`) as spaces,
 * `text:tab` as a tab, `text:line-break` as a newline; notes and tracked deletions left out.
 * Block content found inside (frames, text boxes, notes) is handed to `onNested`.
 */
export function odfInlineText(element: XmlElement, onNested?: (element: XmlElement) => void): string {
  let text = '';
  for (const child of element.children) {
    if (typeof child === 'string') {
      text += child;
      continue;
    }
    if (child.name === 's') text += ' '.repeat(Math.min(Number(child.attrs['text:c'] ?? 1) || 1, 100));
    else if (child.name === 'tab') text += '\t';
    else if (child.name === 'line-break') text += '\n';
    else if (child.name === 'note' || child.name === 'frame' || child.name === 'custom-shape')
      onNested?.(child);
    else if (!nonTextElements.has(child.name)) text += odfInlineText(child, onNested);
  }
  return text;
}
