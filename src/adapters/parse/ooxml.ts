import {
  childElements,
  firstChild,
  parseXml,
  readRelationships,
  relationshipsPartOf,
  textContent,
} from './xml-tree.js';
import type { SafeZip } from './zip.js';

/**
 * Path of the package's main part (`word/document.xml`, `ppt/presentation.xml`...) from
 * `_rels/.rels`, falling back to `fallback` when the relationship is missing.
 */
export function officeDocumentPart(zip: SafeZip, fallback: string): string {
  const rels = zip.readTextIfPresent('_rels/.rels');
  if (rels !== undefined) {
    const root = parseXml(rels, zip.fileName, '_rels/.rels');
    for (const rel of childElements(root, 'Relationship')) {
      const target = rel.attrs.Target;
      if (target && /\/officeDocument$/.test(rel.attrs.Type ?? '')) {
        const path = target.replace(/^\//, '');
        if (zip.has(path)) return path;
      }
    }
  }
  return fallback;
}

/** Relationships of a part, or an empty map when its `.rels` part is missing. */
export function partRelationships(zip: SafeZip, part: string): Map<string, string> {
  return readRelationships(zip.readTextIfPresent(relationshipsPartOf(part)), part, zip.fileName);
}

/** `dc:title` from `docProps/core.xml`, when present and not blank. */
export function readCoreTitle(zip: SafeZip): string | undefined {
  const xml = zip.readTextIfPresent('docProps/core.xml');
  if (xml === undefined) return undefined;
  try {
    const title = firstChild(parseXml(xml, zip.fileName, 'docProps/core.xml'), 'title');
    const text = title ? textContent(title).replace(/\s+/g, ' ').trim() : '';
    return text.length > 0 ? text : undefined;
  } catch {
    return undefined; // metadata is optional: a damaged core.xml must not fail the parse
  }
}
