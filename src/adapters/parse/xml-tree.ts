import { XMLParser } from 'fast-xml-parser';
import { LoreError } from '../../core/errors.js';

/**
 * A small ordered XML tree. Element names lose their namespace prefix (`a:p` becomes `p`) so that
 * files written with unusual prefixes still match; attribute names keep theirs (`r:id`).
 */
export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlNode[];
}

export type XmlNode = XmlElement | string;

type RawNode = Record<string, unknown>;

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
  // Decodes numeric character references (&#8364;) as well as the XML entities.
  htmlEntities: true,
  processEntities: { enabled: true, maxEntityCount: 100, maxEntitySize: 10_000, maxTotalExpansions: 10_000 },
});

const doctypeWithEntities = /<!DOCTYPE[^>[]*\[[\s\S]*?<!ENTITY/i;

/**
 * Refuses an XML part whose DOCTYPE declares entities (billion laughs, XXE) before any parser sees
 * it: Office Open XML forbids DTDs and no OpenDocument producer writes one, so such a part is
 * hostile or broken. The DOCTYPE can only stand before the root element, so only that prolog is
 * looked at.
 */
export function assertNoEntityDeclarations(xml: string, fileName: string, part: string): void {
  const doctype = xml.indexOf('<!DOCTYPE') >= 0 ? xml.indexOf('<!DOCTYPE') : xml.search(/<!doctype/i);
  if (doctype < 0) return;
  const prolog = xml.slice(doctype, doctype + 1_000_000);
  if (doctypeWithEntities.test(prolog)) {
    throw new LoreError(
      'file_corrupt',
      `${fileName}: the part "${part}" declares XML entities in a DOCTYPE, which Office and OpenDocument files never do; refused before parsing (no entity was expanded).`,
    );
  }
}

/** Parses one XML part; throws LoreError('file_corrupt') naming the file and the part. */
export function parseXml(xml: string, fileName: string, part: string): XmlElement {
  assertNoEntityDeclarations(xml, fileName, part);
  let children: XmlNode[];
  try {
    const raw: unknown = parser.parse(xml);
    children = convert(Array.isArray(raw) ? (raw as RawNode[]) : []);
  } catch (error) {
    // Also catches RangeError from absurdly deep nesting.
    throw new LoreError('file_corrupt', `${fileName}: the part "${part}" is not well-formed XML.`, {
      cause: error,
    });
  }
  const root = children.find((node): node is XmlElement => typeof node !== 'string');
  if (!root) throw new LoreError('file_corrupt', `${fileName}: the part "${part}" is empty or not XML.`);
  return root;
}

function convert(nodes: RawNode[]): XmlNode[] {
  const out: XmlNode[] = [];
  for (const node of nodes) {
    for (const [key, value] of Object.entries(node)) {
      if (key === ':@') continue;
      if (key === '#text') {
        out.push(String(value));
        continue;
      }
      if (key.startsWith('?') || key.startsWith('!') || key === '#comment') continue;
      const attrs = (node[':@'] as Record<string, string> | undefined) ?? {};
      out.push({
        name: localName(key),
        attrs,
        children: convert(Array.isArray(value) ? (value as RawNode[]) : []),
      });
    }
  }
  return out;
}

/** `a:p` → `p`. */
export function localName(name: string): string {
  const colon = name.indexOf(':');
  return colon < 0 ? name : name.slice(colon + 1);
}

/** Child elements, optionally only those with the given local name. */
export function childElements(element: XmlElement, name?: string): XmlElement[] {
  return element.children.filter(
    (node): node is XmlElement => typeof node !== 'string' && (name === undefined || node.name === name),
  );
}

/** First child element with this local name. */
export function firstChild(element: XmlElement, name: string): XmlElement | undefined {
  return element.children.find((node): node is XmlElement => typeof node !== 'string' && node.name === name);
}

/** Depth-first descendants with this local name (not descending into matches). */
export function findAll(element: XmlElement, name: string, out: XmlElement[] = []): XmlElement[] {
  for (const child of element.children) {
    if (typeof child === 'string') continue;
    if (child.name === name) out.push(child);
    else findAll(child, name, out);
  }
  return out;
}

/** First descendant with this local name. */
export function findFirst(element: XmlElement, name: string): XmlElement | undefined {
  for (const child of element.children) {
    if (typeof child === 'string') continue;
    if (child.name === name) return child;
    const found = findFirst(child, name);
    if (found) return found;
  }
  return undefined;
}

/** Concatenated text of all descendants. */
export function textContent(element: XmlElement): string {
  let out = '';
  for (const child of element.children) out += typeof child === 'string' ? child : textContent(child);
  return out;
}

/**
 * Value of an attribute by local name, whatever its prefix (`r:id`, `ns1:id`), ignoring `xml:`;
 * an unprefixed attribute of the same local name is used only when `allowUnprefixed` is set.
 */
export function attribute(element: XmlElement, local: string, allowUnprefixed = false): string | undefined {
  for (const [key, value] of Object.entries(element.attrs)) {
    const colon = key.indexOf(':');
    if (colon < 0) {
      if (allowUnprefixed && key === local) return value;
    } else if (key.slice(colon + 1) === local && !key.startsWith('xml:') && !key.startsWith('xmlns:'))
      return value;
  }
  return undefined;
}

/** Relationship id → target part path, resolved against the folder of the source part. */
export function readRelationships(
  xml: string | undefined,
  sourcePart: string,
  fileName: string,
): Map<string, string> {
  const map = new Map<string, string>();
  if (xml === undefined) return map;
  const root = parseXml(xml, fileName, `${sourcePart} relationships`);
  const base = sourcePart.includes('/') ? sourcePart.slice(0, sourcePart.lastIndexOf('/') + 1) : '';
  for (const rel of childElements(root, 'Relationship')) {
    const id = rel.attrs.Id;
    const target = rel.attrs.Target;
    if (!id || !target || rel.attrs.TargetMode === 'External') continue;
    map.set(id, resolvePartPath(base, target));
  }
  return map;
}

/** The relationships part of a package part: `ppt/slides/slide1.xml` → `ppt/slides/_rels/slide1.xml.rels`. */
export function relationshipsPartOf(part: string): string {
  const slash = part.lastIndexOf('/');
  return `${part.slice(0, slash + 1)}_rels/${part.slice(slash + 1)}.rels`;
}

/** Resolves a relative target (`../slides/slide1.xml`) against a folder, as a zip entry name. */
export function resolvePartPath(baseFolder: string, target: string): string {
  const decoded = safeDecodeUri(target.split('#')[0] ?? '');
  const segments = decoded.startsWith('/') ? [] : baseFolder.split('/').filter(Boolean);
  for (const segment of decoded.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') segments.pop();
    else segments.push(segment);
  }
  return segments.join('/');
}

function safeDecodeUri(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
