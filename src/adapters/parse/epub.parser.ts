import type { ParsedDocument, ParseWarning } from '../../core/document.js';
import { LoreError } from '../../core/errors.js';
import type { ParseInput, Parser } from '../../ports/parser.port.js';
import { baseName } from './decode-text.js';
import { appendHtmlBlocks, parseHtmlDocument } from './html-blocks.js';
import { TextBuilder } from './text-builder.js';
import {
  attribute,
  childElements,
  findAll,
  findFirst,
  parseXml,
  resolvePartPath,
  textContent,
  type XmlElement,
} from './xml-tree.js';
import { SafeZip } from './zip.js';

const version = 'epub@1';

/** Font obfuscation (IDPF, Adobe) is not DRM: the text stays readable. */
const fontObfuscation = /idpf\.org\/2008\/embedding|ns\.adobe\.com\/pdf\/enc#RC/;

interface SpineItem {
  path: string;
  mediaType: string;
}

/**
 * EPUB 2/3: META-INF/container.xml → OPF package → spine order → XHTML documents walked with the
 * shared HTML walker; the navigation document is skipped; title from the OPF metadata.
 */
export const epubParser: Parser = {
  formats: ['epub'],
  version,
  async parse(input: ParseInput): Promise<ParsedDocument> {
    const zip = SafeZip.open(input.bytes, input.fileName);
    const warnings: ParseWarning[] = [];
    const opfPath = packagePath(zip, warnings);
    const opf = parseXml(zip.readText(opfPath), input.fileName, opfPath);
    const folder = opfPath.includes('/') ? opfPath.slice(0, opfPath.lastIndexOf('/') + 1) : '';
    const spine = spineItems(opf, folder);
    assertNoDrm(zip, spine);
    const builder = new TextBuilder();
    for (const item of spine) {
      if (!zip.has(item.path)) {
        warnings.push({
          code: 'part_missing',
          message: `${input.fileName}: chapter ${item.path} is missing from the book.`,
        });
        continue;
      }
      if (!/html|xml/.test(item.mediaType)) continue;
      const document = parseHtmlDocument(zip.readText(item.path));
      appendHtmlBlocks(document.body, builder);
    }
    const { text, blocks } = builder.build();
    if (text.length === 0)
      warnings.push({ code: 'no_text', message: `${input.fileName}: the book contains no text.` });
    const metadataTitle = findAll(opf, 'title').map(textContent)[0]?.replace(/\s+/g, ' ').trim();
    const firstHeading = blocks.find((block) => block.kind === 'heading');
    const title =
      (metadataTitle && metadataTitle.length > 0 ? metadataTitle : undefined) ??
      (firstHeading ? text.slice(firstHeading.start, firstHeading.end) : undefined) ??
      baseName(input.fileName);
    return { format: 'epub', title, text, blocks, warnings, parserVersion: version };
  },
};

/** The OPF path from container.xml, or the first `.opf` entry when the container is missing. */
function packagePath(zip: SafeZip, warnings: ParseWarning[]): string {
  const container = zip.readTextIfPresent('META-INF/container.xml');
  if (container !== undefined) {
    const rootfile = findFirst(parseXml(container, zip.fileName, 'META-INF/container.xml'), 'rootfile');
    const path = rootfile?.attrs['full-path'];
    if (path && zip.has(path)) return path;
  }
  const fallback = zip.names().find((name) => name.toLowerCase().endsWith('.opf'));
  if (!fallback)
    throw new LoreError('file_corrupt', `${zip.fileName}: not a valid EPUB (no package document).`);
  warnings.push({
    code: 'epub_container_missing',
    message: `${zip.fileName}: META-INF/container.xml is missing or wrong; used ${fallback}.`,
  });
  return fallback;
}

function spineItems(opf: XmlElement, folder: string): SpineItem[] {
  const manifest = new Map<string, { href: string; mediaType: string; properties: string }>();
  const manifestElement = findFirst(opf, 'manifest');
  for (const item of manifestElement ? childElements(manifestElement, 'item') : []) {
    const id = item.attrs.id;
    const href = item.attrs.href;
    if (id && href)
      manifest.set(id, {
        href,
        mediaType: item.attrs['media-type'] ?? '',
        properties: item.attrs.properties ?? '',
      });
  }
  const spine = findFirst(opf, 'spine');
  const items: SpineItem[] = [];
  for (const ref of spine ? childElements(spine, 'itemref') : []) {
    const entry = manifest.get(ref.attrs.idref ?? attribute(ref, 'idref') ?? '');
    if (!entry || /\bnav\b/.test(entry.properties)) continue;
    items.push({ path: resolvePartPath(folder, entry.href), mediaType: entry.mediaType });
  }
  return items;
}

/** Throws file_encrypted when META-INF/encryption.xml encrypts a chapter with anything but font obfuscation. */
function assertNoDrm(zip: SafeZip, spine: SpineItem[]): void {
  const xml = zip.readTextIfPresent('META-INF/encryption.xml');
  if (xml === undefined) return;
  const chapters = new Set(spine.map((item) => item.path));
  for (const data of findAll(parseXml(xml, zip.fileName, 'META-INF/encryption.xml'), 'EncryptedData')) {
    const algorithm = findFirst(data, 'EncryptionMethod')?.attrs.Algorithm ?? '';
    const uri = findFirst(data, 'CipherReference')?.attrs.URI ?? '';
    if (!fontObfuscation.test(algorithm) && chapters.has(resolvePartPath('', uri))) {
      throw new LoreError(
        'file_encrypted',
        `${zip.fileName} is protected by DRM; Lore can only read DRM-free EPUB files.`,
      );
    }
  }
}
