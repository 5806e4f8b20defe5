// A small hand-written SVG chart of a soak run: search/ask p50 and p99 latency (left axis, ms) and
// server RSS (right axis, MB) over minutes, one panel per backend.

/** One line of the chart. */
export interface ChartSeries {
  label: string;
  color: string;
  /** (minutes, value) */
  points: { x: number; y: number }[];
  dashed?: boolean;
}

/** One panel: latency series on the left axis, RSS on the right. */
export interface ChartPanel {
  title: string;
  latency: ChartSeries[];
  rss: ChartSeries;
  /** The x axis' label; default "minutes". */
  xLabel?: string;
}

const width = 820;
const panelHeight = 260;
const margin = { left: 60, right: 70, top: 44, bottom: 40 };

function escapeXml(text: string): string {
  return text.replace(/[<>&"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;' })[c]!);
}

function niceMax(value: number): number {
  if (!(value > 0)) return 1;
  const step = 10 ** Math.floor(Math.log10(value));
  return Math.ceil(value / step) * step;
}

function path(
  points: { x: number; y: number }[],
  sx: (x: number) => number,
  sy: (y: number) => number,
): string {
  return points
    .filter((p) => Number.isFinite(p.y))
    .map((p, i) => `${i === 0 ? 'M' : 'L'}${sx(p.x).toFixed(1)},${sy(p.y).toFixed(1)}`)
    .join(' ');
}

function panel(data: ChartPanel, top: number): string {
  const plotW = width - margin.left - margin.right;
  const plotH = panelHeight - margin.top - margin.bottom;
  const all = [...data.latency, data.rss].flatMap((s) => s.points);
  const maxX = niceMax(Math.max(0.1, ...all.map((p) => p.x)));
  const maxLatency = niceMax(
    Math.max(1, ...data.latency.flatMap((s) => s.points.map((p) => p.y)).filter(Number.isFinite)),
  );
  const maxRss = niceMax(Math.max(1, ...data.rss.points.map((p) => p.y)));
  const sx = (x: number) => margin.left + (x / maxX) * plotW;
  const sy = (max: number) => (y: number) => top + margin.top + plotH - (y / max) * plotH;
  const out: string[] = [
    `<text x="${margin.left}" y="${top + 20}" font-size="14" font-weight="bold">${escapeXml(data.title)}</text>`,
    `<rect x="${margin.left}" y="${top + margin.top}" width="${plotW}" height="${plotH}" fill="none" stroke="#999"/>`,
  ];
  for (let i = 0; i <= 4; i++) {
    const y = top + margin.top + plotH - (i / 4) * plotH;
    out.push(
      `<line x1="${margin.left}" x2="${margin.left + plotW}" y1="${y}" y2="${y}" stroke="#eee"/>`,
      `<text x="${margin.left - 6}" y="${y + 4}" font-size="11" text-anchor="end">${+((maxLatency * i) / 4).toFixed(1)}</text>`,
      `<text x="${margin.left + plotW + 6}" y="${y + 4}" font-size="11">${Math.round((maxRss * i) / 4)}</text>`,
    );
    const x = margin.left + (i / 4) * plotW;
    out.push(
      `<text x="${x}" y="${top + margin.top + plotH + 16}" font-size="11" text-anchor="middle">${+((maxX * i) / 4).toFixed(1)}</text>`,
    );
  }
  out.push(
    `<text x="${margin.left + plotW / 2}" y="${top + panelHeight - 6}" font-size="11" text-anchor="middle">${escapeXml(data.xLabel ?? 'minutes')}</text>`,
    `<text x="14" y="${top + margin.top + plotH / 2}" font-size="11" transform="rotate(-90 14 ${top + margin.top + plotH / 2})" text-anchor="middle">latency ms</text>`,
    `<text x="${width - 12}" y="${top + margin.top + plotH / 2}" font-size="11" transform="rotate(90 ${width - 12} ${top + margin.top + plotH / 2})" text-anchor="middle">RSS MB</text>`,
  );
  const lines = [...data.latency.map((s) => ({ s, max: maxLatency })), { s: data.rss, max: maxRss }];
  lines.forEach(({ s, max }, i) => {
    out.push(
      `<path d="${path(s.points, sx, sy(max))}" fill="none" stroke="${s.color}" stroke-width="1.6"${s.dashed ? ' stroke-dasharray="4 3"' : ''}/>`,
      `<rect x="${margin.left + i * 110}" y="${top + 29}" width="12" height="3" fill="${s.color}"/>`,
      `<text x="${margin.left + 16 + i * 110}" y="${top + 34}" font-size="11">${escapeXml(s.label)}</text>`,
    );
  });
  return out.join('\n');
}

/** The SVG document of `panels`, stacked. */
export function soakChartSvg(panels: ChartPanel[], caption: string): string {
  const height = panels.length * panelHeight + 24;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif">`,
    `<title>${escapeXml(panels.map((p) => p.title).join('; '))}</title>`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    ...panels.map((p, i) => panel(p, i * panelHeight)),
    `<text x="${margin.left}" y="${height - 8}" font-size="11" fill="#555">${escapeXml(caption)}</text>`,
    '</svg>',
    '',
  ].join('\n');
}
