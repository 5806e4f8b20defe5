import type { SearchHit } from '../search/search.service.js';

/** A numbered source given to the model, with where it lives for highlighting. */
export interface Source {
  n: number;
  documentId: string;
  title: string;
  fileName: string;
  chunkId: number;
  page?: number;
  slide?: number;
  sheet?: string;
  /** Span of the chunk in the document's extracted text. */
  start: number;
  end: number;
  text: string;
}

/** The rows of a table an exact answer was computed from (shown as a small table under the answer). */
export interface TableCitation {
  tableId: string;
  sheet: string;
  /** "rows 14–37" (every row the computation used). */
  rowsLabel: string;
  /** How many rows the computation used. */
  rowCount: number;
  /** Columns shown and, for at most 50 of the rows used, their cells as displayed. */
  columns: string[];
  rows: { n: number; cells: string[] }[];
}

/** A citation of a source in an answer; the span narrows to the cited sentence when known. */
export interface Citation extends Source {
  /** The exact cited characters: `documentText.slice(start, end)`. */
  quote: string;
  /** Set when the answer was computed over a table: the sheet and rows used. */
  table?: TableCitation;
}

/** Numbers search hits as sources 1..n. */
export function toSources(hits: readonly SearchHit[]): Source[] {
  return hits.map((hit, index) => ({
    n: index + 1,
    documentId: hit.document.id,
    title: hit.document.title,
    fileName: hit.document.fileName,
    chunkId: hit.chunk.id,
    ...(hit.chunk.page === undefined ? {} : { page: hit.chunk.page }),
    ...(hit.chunk.slide === undefined ? {} : { slide: hit.chunk.slide }),
    ...(hit.chunk.sheet === undefined ? {} : { sheet: hit.chunk.sheet }),
    start: hit.chunk.start,
    end: hit.chunk.end,
    text: hit.chunk.text,
  }));
}

/**
 * Finds citation markers `[n]` (also `[1, 2]` and `[1][3]`) in text, in order of first use,
 * keeping only numbers that name a source.
 */
export function citedNumbers(text: string, sourceCount: number): number[] {
  const seen: number[] = [];
  // Markers inside code and markdown links/images (`[1](https://...)`, often what an injected document
  // asks the model to print) are not citations.
  const prose = text.replace(/```[\s\S]*?(?:```|$)/g, ' ').replace(/`[^`\n]*`/g, ' ');
  for (const match of prose.matchAll(/\[(\d+(?:\s*,\s*\d+)*)\](?!\()/g)) {
    for (const part of (match[1] ?? '').split(',')) {
      const n = Number(part.trim());
      if (Number.isInteger(n) && n >= 1 && n <= sourceCount && !seen.includes(n)) seen.push(n);
    }
  }
  return seen;
}

/** Human label of where a source is: "report.pdf, page 3". */
export function locationLabel(
  source: Pick<Source, 'fileName' | 'page' | 'slide' | 'sheet'> & { table?: TableCitation },
): string {
  if (source.table) return `${source.fileName}, sheet ${source.table.sheet}, ${source.table.rowsLabel}`;
  const where =
    source.page !== undefined
      ? `page ${source.page}`
      : source.slide !== undefined
        ? `slide ${source.slide}`
        : source.sheet !== undefined
          ? `sheet ${source.sheet}`
          : undefined;
  return where ? `${source.fileName}, ${where}` : source.fileName;
}
