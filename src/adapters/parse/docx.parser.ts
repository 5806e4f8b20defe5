import mammoth from 'mammoth';
import type { ParsedDocument, ParseWarning } from '../../core/document.js';
import { LoreError } from '../../core/errors.js';
import type { ParseInput, Parser } from '../../ports/parser.port.js';
import { baseName } from './decode-text.js';
import { appendHtmlBlocks, type ElementRole, parseHtmlDocument } from './html-blocks.js';
import { officeDocumentPart, partRelationships, readCoreTitle } from './ooxml.js';
import { TextBuilder } from './text-builder.js';
import { assertNoEntityDeclarations, findAll, parseXml, textContent } from './xml-tree.js';
import { SafeZip } from './zip.js';

const version = 'docx@1';

/** Parts mammoth never needs: media, embedded objects, fonts, thumbnails, printer settings. */
const unneededPart =
  /^(word\/(media|embeddings|fonts)\/|docProps\/thumbnail|customXml\/.*\.bin$)|\.(bin|png|jpe?g|gif|emf|wmf|tiff?|bmp|svg|odttf|mp4|wav)$/i;

/** Mammoth warnings about unknown styles and image display are noise for search; the rest is kept. */
const styleWarning =
  /^Unrecognised (paragraph|run|table|numbering) style|unlikely to display in web browsers/;

/**
 * DOCX via mammoth: HTML (tracked deletions dropped, insertions kept, text boxes included), then
 * the shared HTML walker; footnotes and endnotes become `note` blocks; SmartArt text is inlined.
 */
export const docxParser: Parser = {
  formats: ['docx'],
  version,
  async parse(input: ParseInput): Promise<ParsedDocument> {
    const zip = SafeZip.open(input.bytes, input.fileName);
    const mainPart = officeDocumentPart(zip, 'word/document.xml');
    if (!zip.has(mainPart)) {
      throw new LoreError(
        'file_corrupt',
        `${input.fileName}: not a valid Word document (its main part ${mainPart} is missing).`,
      );
    }
    const warnings: ParseWarning[] = [];
    const diagramText = inlineDiagramText(zip, mainPart);
    const repacked = repackForMammoth(zip, mainPart, diagramText.documentXml);
    let html: string;
    let messages: Array<{ type: string; message: string }>;
    try {
      const result = await mammoth.convertToHtml(
        { buffer: Buffer.from(repacked.buffer, repacked.byteOffset, repacked.byteLength) },
        {
          convertImage: mammoth.images.imgElement(() => Promise.resolve({ src: '' })),
          styleMap: ["p[style-name='Title'] => h1:fresh", "p[style-name='Subtitle'] => h2:fresh"],
          externalFileAccess: false,
        },
      );
      html = result.value;
      messages = result.messages;
    } catch (error) {
      if (LoreError.is(error)) throw error;
      const reason = error instanceof Error ? error.message : String(error);
      throw new LoreError(
        'file_corrupt',
        `${input.fileName}: could not be read as a Word document (${reason.slice(0, 200)}).`,
        {
          cause: error,
        },
      );
    }
    for (const message of messages) {
      if (!styleWarning.test(message.message)) {
        warnings.push({
          code: 'docx_conversion',
          message: `${input.fileName}: ${message.message.slice(0, 300)}`,
        });
      }
    }
    const document = parseHtmlDocument(html);
    const builder = new TextBuilder();
    appendHtmlBlocks(document.body, builder, { classify: classifyMammothElement });
    const { text, blocks } = builder.build();
    const images = document.querySelectorAll('img').length;
    if (images > 0) {
      warnings.push({
        code: 'images_not_extracted',
        message: `${input.fileName}: ${images} image(s) were not read (no OCR for DOCX).`,
      });
    }
    if (text.length === 0)
      warnings.push({ code: 'no_text', message: `${input.fileName}: the document contains no text.` });
    const firstHeading = blocks.find((block) => block.kind === 'heading');
    const title =
      readCoreTitle(zip) ??
      (firstHeading ? text.slice(firstHeading.start, firstHeading.end) : undefined) ??
      baseName(input.fileName);
    return { format: 'docx', title, text, blocks, warnings, parserVersion: version };
  },
};

/** Footnote and endnote list items are notes; their "↑" back-links are noise. */
function classifyMammothElement(element: Element): ElementRole {
  const id = element.getAttribute('id') ?? '';
  if (element.localName === 'li' && /^(footnote|endnote)-\d+$/.test(id)) return 'note';
  const href = element.getAttribute('href') ?? '';
  if (element.localName === 'a' && /^#(footnote|endnote)-ref-\d+$/.test(href)) return 'skip';
  return undefined;
}

/** mammoth reads the zip itself: give it only checked entries, and never the media. */
function repackForMammoth(zip: SafeZip, mainPart: string, documentXml: string | undefined): Uint8Array {
  // mammoth's XML parser would meet a DOCTYPE's entities first: refuse them before it runs.
  for (const name of zip.names()) {
    if (/\.(xml|rels)$/i.test(name) && !unneededPart.test(name))
      assertNoEntityDeclarations(zip.readText(name), zip.fileName, name);
  }
  const replacements: Record<string, Uint8Array> = {};
  if (documentXml !== undefined) replacements[mainPart] = new TextEncoder().encode(documentXml);
  return zip.repack((name) => !unneededPart.test(name), replacements);
}

/**
 * mammoth ignores SmartArt. Replace each `<w:drawing>` that points at diagram data with runs
 * holding the diagram's text, so it lands where the diagram was.
 */
function inlineDiagramText(zip: SafeZip, mainPart: string): { documentXml: string | undefined } {
  const xml = zip.readText(mainPart);
  if (!/relIds\b/.test(xml)) return { documentXml: undefined };
  const rels = partRelationships(zip, mainPart);
  let changed = false;
  const replaced = xml.replace(/<w:drawing\b[\s\S]*?<\/w:drawing>/g, (drawing) => {
    const match = /<\w+:relIds\b[^>]*?\b\w+:dm="([^"]+)"/.exec(drawing);
    const target = match?.[1] ? rels.get(match[1]) : undefined;
    if (!target || !zip.has(target)) return drawing;
    const root = parseXml(zip.readText(target), zip.fileName, target);
    const lines = findAll(root, 'p')
      .map((paragraph) => textContent(paragraph).replace(/\s+/g, ' ').trim())
      .filter((line) => line.length > 0);
    if (lines.length === 0) return drawing;
    changed = true;
    return lines.map((line) => `<w:t xml:space="preserve">${escapeXml(line)}</w:t>`).join('<w:br/>');
  });
  return { documentXml: changed ? replaced : undefined };
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
