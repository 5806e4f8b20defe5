import { Readability } from '@mozilla/readability';
import type { ParsedDocument, ParseWarning } from '../../core/document.js';
import type { ParseInput, Parser } from '../../ports/parser.port.js';
import { baseName, decodeText, isSupportedEncoding } from './decode-text.js';
import {
  appendHtmlBlocks,
  inlineText,
  limitHtmlNesting,
  maxHtmlDepth,
  parseHtmlDocument,
} from './html-blocks.js';
import { TextBuilder } from './text-builder.js';

const version = 'html@1';

/** Page furniture dropped when Readability finds no article and the whole body is used. */
const boilerplate =
  'nav, header, footer, aside, script, style, noscript, form, [role="navigation"], [role="banner"], [role="contentinfo"]';

/** Readability results shorter than this (characters) are not trusted as the main content. */
const minimumArticleLength = 140;

/**
 * HTML: the main content found by Readability (not menus or footers), walked into headings,
 * paragraphs, lists and tables; when Readability finds nothing, the body without navigation,
 * header, footer, aside, scripts and styles.
 */
export const htmlParser: Parser = {
  formats: ['html'],
  version,
  async parse(input: ParseInput): Promise<ParsedDocument> {
    const warnings: ParseWarning[] = [];
    const limited = limitHtmlNesting(decodeHtml(input.bytes, input.fileName, warnings));
    const html = limited.html;
    if (limited.dropped > 0) {
      warnings.push({
        code: 'nesting_flattened',
        message: `${input.fileName}: elements nested deeper than ${maxHtmlDepth} levels were flattened into their text.`,
      });
    }
    const parsed = parseHtmlDocument(html);
    const pageTitle = cleanTitle(parsed.title) ?? firstHeading(parsed);
    const article = readArticle(parsed); // Readability rewrites `parsed` as it goes
    const builder = new TextBuilder();
    const title = cleanTitle(article?.title) ?? pageTitle ?? baseName(input.fileName);
    if (article) {
      const content = parseHtmlDocument(article.content);
      const firstText = content.body.textContent?.replace(/\s+/g, ' ').trim() ?? '';
      if (title !== baseName(input.fileName) && !firstText.startsWith(title)) builder.add('title', title);
      appendHtmlBlocks(content.body, builder);
    } else {
      const page = parseHtmlDocument(html);
      for (const element of Array.from(page.body.querySelectorAll(boilerplate))) element.remove();
      appendHtmlBlocks(page.body, builder);
      warnings.push({
        code: 'main_content_not_found',
        message: `${input.fileName}: no main article was recognised; the whole page body was used.`,
      });
    }
    const { text, blocks } = builder.build();
    if (text.length === 0)
      warnings.push({ code: 'no_text', message: `${input.fileName}: the page contains no text.` });
    return { format: 'html', title, text, blocks, warnings, parserVersion: version };
  },
};

/** Readability's article, or undefined when it finds none (or fails on odd markup). */
function readArticle(document: Document): { title: string | null | undefined; content: string } | undefined {
  try {
    const article = new Readability(document, { charThreshold: 200 }).parse();
    const length = article?.textContent?.replace(/\s+/g, ' ').trim().length ?? 0;
    if (!article?.content || length < minimumArticleLength) return undefined;
    return { title: article.title, content: article.content };
  } catch {
    return undefined; // Readability throws on some fragment shapes; the body fallback handles them
  }
}

/** Decodes with the BOM, else UTF-8, else the charset the page declares, else Windows-1252. */
function decodeHtml(bytes: Uint8Array, fileName: string, warnings: ParseWarning[]): string {
  const head = new TextDecoder('latin1').decode(bytes.subarray(0, 4096));
  const declared = /<meta[^>]+charset\s*=\s*["']?\s*([\w-]+)/i.exec(head)?.[1];
  const decoded = decodeText(bytes, declared && isSupportedEncoding(declared) ? declared : undefined);
  if (decoded.guessed) {
    warnings.push({
      code: 'encoding_guessed',
      message: `${fileName}: no usable charset; decoded as ${decoded.encoding}.`,
    });
  }
  return decoded.text;
}

function cleanTitle(title: string | null | undefined): string | undefined {
  const cleaned = title?.replace(/\s+/g, ' ').trim();
  return cleaned && cleaned.length > 0 ? cleaned : undefined;
}

function firstHeading(document: Document): string | undefined {
  const heading = document.querySelector('h1, h2');
  return heading ? cleanTitle(inlineText(heading)) : undefined;
}
