import type { ParsedDocument, ParseWarning } from '../../core/document.js';
import { LoreError } from '../../core/errors.js';
import type { ParseInput, Parser } from '../../ports/parser.port.js';
import { baseName } from './decode-text.js';
import { readRtf } from './rtf-reader.js';
import { TextBuilder } from './text-builder.js';

const version = 'rtf@1';

/**
 * RTF through a small tokenizer (see `readRtf`): paragraphs, headings from outline levels or
 * heading styles, list paragraphs, table rows from `\cell`/`\row`, footnotes as notes.
 */
export const rtfParser: Parser = {
  formats: ['rtf'],
  version,
  async parse(input: ParseInput): Promise<ParsedDocument> {
    const head = new TextDecoder('latin1')
      .decode(input.bytes.subarray(0, 64))
      .replace(/^\ufeff|^\u00ef\u00bb\u00bf/, '');
    const warnings: ParseWarning[] = [];
    if (!/^\s*\{\\/.test(head)) {
      throw new LoreError(
        'file_corrupt',
        `${input.fileName} is not a valid RTF document (it does not start with "{\\rtf").`,
      );
    }
    if (!/^\s*\{\\rtf/.test(head)) {
      warnings.push({
        code: 'rtf_header_missing',
        message: `${input.fileName}: the "{\\rtf" header is missing; read as RTF anyway.`,
      });
    }
    const { blocks: rtfBlocks, title: infoTitle } = readRtf(input.bytes, input.fileName);
    const builder = new TextBuilder();
    for (const block of rtfBlocks) {
      builder.add(block.kind, block.text, block.level === undefined ? {} : { level: block.level });
    }
    const { text, blocks } = builder.build();
    if (text.length === 0)
      warnings.push({ code: 'no_text', message: `${input.fileName}: the document contains no text.` });
    const firstHeading = blocks.find((block) => block.kind === 'heading' || block.kind === 'title');
    const title =
      infoTitle ??
      (firstHeading ? text.slice(firstHeading.start, firstHeading.end) : undefined) ??
      baseName(input.fileName);
    return { format: 'rtf', title, text, blocks, warnings, parserVersion: version };
  },
};
