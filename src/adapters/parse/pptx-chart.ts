import { childElements, findAll, findFirst, firstChild, textContent, type XmlElement } from './xml-tree.js';

/** A chart's cached data as a small table. */
export interface ChartTable {
  title?: string;
  header: string[];
  rows: string[][];
}

const maxChartRows = 1000;

/**
 * Reads the values cached in a DrawingML chart part (`c:chartSpace`): title, series names,
 * categories and values, as rows `category | series 1 | series 2 ...`.
 */
export function readChartTable(root: XmlElement): ChartTable | undefined {
  const chart = firstChild(root, 'chart') ?? root;
  const titleElement = firstChild(chart, 'title');
  const title = titleElement ? collapse(findAll(titleElement, 't').map(textContent).join('')) : undefined;
  const series = findAll(chart, 'ser');
  if (series.length === 0) return title ? { title, header: [], rows: [] } : undefined;
  const names: string[] = [];
  const columns: Array<Map<number, string>> = [];
  let categories = new Map<number, string>();
  for (const [index, ser] of series.entries()) {
    const tx = firstChild(ser, 'tx');
    const name = tx ? collapse([...findAll(tx, 'v'), ...findAll(tx, 't')].map(textContent).join(' ')) : '';
    names.push(name.length > 0 ? name : `Series ${index + 1}`);
    const cat = firstChild(ser, 'cat') ?? firstChild(ser, 'xVal');
    if (cat && categories.size === 0) categories = points(cat);
    const val = firstChild(ser, 'val') ?? firstChild(ser, 'yVal');
    columns.push(val ? points(val) : new Map());
  }
  const count = Math.min(maxChartRows, Math.max(categories.size, ...columns.map((column) => column.size)));
  const rows: string[][] = [];
  for (let idx = 0; idx < count; idx++) {
    rows.push([categories.get(idx) ?? String(idx + 1), ...columns.map((column) => column.get(idx) ?? '')]);
  }
  return { ...(title ? { title } : {}), header: ['Category', ...names], rows };
}

/** `c:pt idx="n"><c:v>value</c:v>` points of a string or number cache. */
function points(element: XmlElement): Map<number, string> {
  const map = new Map<number, string>();
  const cache =
    findFirst(element, 'strCache') ??
    findFirst(element, 'numCache') ??
    findFirst(element, 'multiLvlStrCache');
  if (!cache) return map;
  for (const pt of findAll(cache, 'pt')) {
    const idx = Number(pt.attrs.idx);
    const value = childElements(pt, 'v')[0];
    if (Number.isInteger(idx) && value && !map.has(idx)) map.set(idx, collapse(textContent(value)));
  }
  return map;
}

function collapse(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
