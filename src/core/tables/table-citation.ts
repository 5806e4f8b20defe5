import type { Store } from '../../ports/store.port.js';
import type { Citation } from '../answer/citation.js';
import type { TablePlan } from './query-plan.js';
import type { TableAnswer } from './table-answer.service.js';
import type { ComputedGroup } from './table-engine.js';
import { rowsLabel } from './table-format.js';

/** Longest span a table citation highlights in the document text; longer ones cite the first row used. */
const maxQuotedChars = 4000;
/** List lines an answer writes out (the table view under it shows up to 50 rows). */
const listedLines = 20;

/** What the answer events carry about a table computation (SSE `table-computed`, `answer-end.computation`). */
export interface ComputationView {
  status: 'computed' | 'refused' | 'ambiguous';
  /** Why the table does not say (refused, ambiguous). */
  reason?: string;
  /** The computation in plain words. */
  statement?: string;
  value?: number | string;
  display?: string;
  unit?: string;
  planner?: 'rules' | 'model';
  plan?: TablePlan;
  table?: { id: string; documentId: string; sheet: string; fileName: string; title: string };
  /** "rows 14–37". */
  rows?: string;
  rowCount?: number;
  groups?: ComputedGroup[];
  labels?: string[];
  labelColumn?: string;
}

/** The answer's first words when the tables cannot answer. */
export const tableAbstention = 'The table does not say';

/** The view of a table answer for events and stored messages. */
export function computationView(answer: TableAnswer): ComputationView {
  if (answer.status !== 'computed') {
    return {
      status: answer.status,
      reason: answer.reason,
      ...('table' in answer && answer.table ? { table: tableRef(answer.table) } : {}),
    };
  }
  const { computation, table } = answer;
  return {
    status: 'computed',
    statement: computation.statement,
    ...(computation.value === undefined ? {} : { value: computation.value }),
    display: computation.display,
    ...(computation.unit ? { unit: computation.unit } : {}),
    planner: answer.planner,
    plan: answer.plan,
    table: tableRef(table),
    rows: rowsLabel(computation.rowNumbers),
    rowCount: computation.rowNumbers.length,
    ...(computation.groups ? { groups: computation.groups } : {}),
    ...(computation.labels ? { labels: computation.labels, labelColumn: computation.labelColumn } : {}),
  };
}

function tableRef(table: {
  id: string;
  documentId: string;
  sheet: string;
  fileName: string;
  documentTitle: string;
}) {
  return {
    id: table.id,
    documentId: table.documentId,
    sheet: table.sheet,
    fileName: table.fileName,
    title: table.documentTitle,
  };
}

/**
 * The citation of a computed answer: the document, the sheet, a span of the extracted text from the
 * first to the last row used (or the first row when that span is long), the chunk holding it, and
 * the rows themselves for the table view.
 */
export async function tableCitation(
  answer: Extract<TableAnswer, { status: 'computed' }>,
  documents: Pick<Store, 'getDocumentText' | 'listDocumentChunks'>,
): Promise<Citation> {
  const { table, computation } = answer;
  const spans = computation.spans;
  const text = (await documents.getDocumentText(table.documentId)) ?? '';
  const first = spans[0];
  const last = spans.at(-1);
  let [start, end] = first && last ? [first[0], last[1]] : [0, 0];
  if (end - start > maxQuotedChars && first) [start, end] = first;
  const chunks = await documents.listDocumentChunks(table.documentId);
  const chunk = chunks.find((candidate) => candidate.start <= start && start < candidate.end) ?? chunks[0];
  return {
    n: 1,
    documentId: table.documentId,
    title: table.documentTitle,
    fileName: table.fileName,
    chunkId: chunk?.id ?? 0,
    sheet: table.sheet,
    start,
    end,
    text: chunk?.text ?? '',
    quote: text.slice(start, end),
    table: {
      tableId: table.id,
      sheet: table.sheet,
      rowsLabel: rowsLabel(computation.rowNumbers),
      rowCount: computation.rowNumbers.length,
      columns: computation.columns,
      rows: computation.rows,
    },
  };
}

/** The answer text of a computed answer: the result first, then how it was computed and where. */
export function computedAnswerText(answer: Extract<TableAnswer, { status: 'computed' }>): string {
  const { computation, table } = answer;
  const where = `sheet ${table.sheet} of ${table.fileName}, ${rowsLabel(computation.rowNumbers)}`;
  if (computation.groups) {
    const lines = computation.groups
      .slice(0, listedLines)
      .map(
        (group) =>
          `\n- ${group.key}: ${group.display} (${group.rowCount} row${group.rowCount === 1 ? '' : 's'})`,
      );
    const more =
      computation.groups.length > listedLines
        ? `\n- … and ${computation.groups.length - listedLines} more`
        : '';
    return `${computation.statement} [1]:${lines.join('')}${more}\n(${where})`;
  }
  if (computation.aggregate === 'list') {
    const lines = computation.rows
      .slice(0, listedLines)
      .map((row) => `\n- row ${row.n}: ${row.cells.filter(Boolean).join(' | ')}`);
    const more =
      computation.rowNumbers.length > listedLines
        ? `\n- … and ${computation.rowNumbers.length - listedLines} more`
        : '';
    return `${computation.statement} [1]:${lines.join('')}${more}\n(${where})`;
  }
  if (computation.labels?.length) {
    const named = [...new Set(computation.labels)].slice(0, listedLines).join(', ');
    return `${named} (${computation.labelColumn}), with ${computation.display} [1]. ${computation.statement} (${where}).`;
  }
  return `${computation.display} [1]. ${computation.statement} (${where}).`;
}

/** The answer text when the tables cannot answer. */
export function refusedAnswerText(answer: Exclude<TableAnswer, { status: 'computed' }>): string {
  return `${tableAbstention}: ${answer.reason}.`;
}
