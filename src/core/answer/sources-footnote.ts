import type { Citation } from './citation.js';

/** Starts the footnote appended to answers given to chat clients (OpenAI-compatible API, MCP). */
export const sourcesHeading = 'Sources:';

/**
 * The cited sources as a footnote list, one line per source number, or '' when nothing is cited.
 *
 * @example
 * sourcesFootnote(citations) // "\n\nSources:\n[1] Employee handbook, page 3\n[2] Travel policy"
 */
export function sourcesFootnote(citations: readonly Citation[]): string {
  const byNumber = new Map<number, Citation>();
  for (const citation of citations) if (!byNumber.has(citation.n)) byNumber.set(citation.n, citation);
  if (byNumber.size === 0) return '';
  const lines = [...byNumber.values()]
    .sort((a, b) => a.n - b.n)
    .map((citation) => `[${citation.n}] ${labelOf(citation)}`);
  return `\n\n${sourcesHeading}\n${lines.join('\n')}`;
}

/** The answer without a footnote made by `sourcesFootnote` (earlier turns sent back by a client). */
export function stripSourcesFootnote(text: string): string {
  const at = text.lastIndexOf(`\n\n${sourcesHeading}\n[`);
  return at === -1 ? text : text.slice(0, at);
}

/** "title, page 3" (slide, sheet), with the file name when the title does not show it. */
function labelOf(citation: Citation): string {
  const title = citation.title.trim() || citation.fileName;
  const where = citation.table
    ? `sheet ${citation.table.sheet}, ${citation.table.rowsLabel}`
    : citation.page !== undefined
      ? `page ${citation.page}`
      : citation.slide !== undefined
        ? `slide ${citation.slide}`
        : citation.sheet !== undefined
          ? `sheet ${citation.sheet}`
          : undefined;
  const file = title === citation.fileName ? '' : ` (${citation.fileName})`;
  return `${title}${file}${where ? `, ${where}` : ''}`;
}
