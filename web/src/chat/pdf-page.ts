import type { PDFDocumentProxy } from 'pdfjs-dist';
import workerUrl from 'pdfjs-dist/build/pdf.worker.min.mjs?url';
import { matchQuote } from './span-match.js';

type PdfJs = typeof import('pdfjs-dist');
let loading: Promise<PdfJs> | undefined;

/** pdf.js, loaded on first use, with its worker served from this origin (CSP `worker-src 'self'`). */
export function loadPdfJs(): Promise<PdfJs> {
  loading ??= import('pdfjs-dist').then((pdfjs) => {
    pdfjs.GlobalWorkerOptions.workerSrc = workerUrl;
    return pdfjs;
  });
  return loading;
}

/** Opens PDF bytes (no eval; fonts and CMaps from `/pdfjs/`, copied there by the build). */
export async function openPdf(bytes: ArrayBuffer): Promise<PDFDocumentProxy> {
  const pdfjs = await loadPdfJs();
  return pdfjs.getDocument({
    data: new Uint8Array(bytes),
    isEvalSupported: false,
    standardFontDataUrl: '/pdfjs/standard_fonts/',
    cMapUrl: '/pdfjs/cmaps/',
    cMapPacked: true,
  }).promise;
}

export interface RenderedPage {
  /** Whether the quote was found on the page's text layer. */
  highlighted: boolean;
  cancel(): void;
}

/**
 * Renders page `pageNumber` into `container` (a canvas plus pdf.js's text layer) at the container's
 * width, then wraps the quoted characters of the text layer in `<mark class="pdf-highlight">`.
 */
export async function renderPdfPage(
  pdf: PDFDocumentProxy,
  pageNumber: number,
  container: HTMLElement,
  quote: string,
): Promise<RenderedPage> {
  const pdfjs = await loadPdfJs();
  const page = await pdf.getPage(pageNumber);
  const unscaled = page.getViewport({ scale: 1 });
  const width = Math.max(240, container.clientWidth || 600);
  const viewport = page.getViewport({ scale: width / unscaled.width });
  const ratio = window.devicePixelRatio || 1;

  const canvas = document.createElement('canvas');
  canvas.width = Math.floor(viewport.width * ratio);
  canvas.height = Math.floor(viewport.height * ratio);
  canvas.style.width = `${Math.floor(viewport.width)}px`;
  canvas.style.height = `${Math.floor(viewport.height)}px`;
  canvas.setAttribute('aria-hidden', 'true');
  const textLayer = document.createElement('div');
  textLayer.className = 'textLayer';
  const pageBox = document.createElement('div');
  pageBox.className = 'pdf-page';
  pageBox.style.width = `${Math.floor(viewport.width)}px`;
  pageBox.style.height = `${Math.floor(viewport.height)}px`;
  pageBox.style.setProperty('--scale-factor', String(viewport.scale));
  pageBox.style.setProperty('--total-scale-factor', String(viewport.scale));
  pageBox.append(canvas, textLayer);
  container.replaceChildren(pageBox);

  const task = page.render({
    canvas,
    viewport,
    ...(ratio === 1 ? {} : { transform: [ratio, 0, 0, ratio, 0, 0] }),
  });
  const layer = new pdfjs.TextLayer({
    textContentSource: page.streamTextContent(),
    container: textLayer,
    viewport,
  });
  await Promise.all([task.promise, layer.render()]);
  const highlighted = highlightQuote(textLayer, quote);
  return { highlighted, cancel: () => task.cancel() };
}

/** Wraps the quote's characters in the text layer; true when found. */
export function highlightQuote(root: HTMLElement, quote: string): boolean {
  const nodes: Text[] = [];
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) nodes.push(node as Text);
  const ranges = matchQuote(
    nodes.map((node) => node.data),
    quote,
  );
  for (const range of ranges.reverse()) {
    const node = nodes[range.piece]!;
    const tail = node.splitText(range.end);
    const middle = node.splitText(range.start);
    const mark = document.createElement('mark');
    mark.className = 'pdf-highlight';
    tail.before(mark);
    mark.append(middle);
  }
  return ranges.length > 0;
}
