import { useEffect, useRef, useState } from 'react';
import { ErrorNote, Spinner } from '../components/feedback.js';
import { Icon } from '../components/icons.js';
import { api, type Citation, errorText, unwrap } from '../lib/api.js';
import { locationOf } from './answer-text.js';

/**
 * The cited source beside the answer: the rendered PDF page with the cited characters highlighted,
 * or the extracted text with exactly `text.slice(start, end)` marked.
 */
export function SourceViewer({ citation, onClose }: { citation: Citation; onClose: () => void }) {
  const [format, setFormat] = useState<string>();
  const [error, setError] = useState<string>();
  const [showText, setShowText] = useState(false);
  const closeRef = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    let live = true;
    setFormat(undefined);
    setError(undefined);
    setShowText(false);
    api
      .GET('/api/v1/documents/{id}', { params: { path: { id: citation.documentId } } })
      .then(unwrap)
      .then(
        (document) => live && setFormat(document.format),
        (caught: unknown) => live && setError(errorText(caught)),
      );
    closeRef.current?.focus();
    return () => {
      live = false;
    };
  }, [citation.documentId]);

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape') onClose();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onClose]);

  const isPdf = format === 'pdf' && citation.page !== undefined;
  return (
    <aside className="source-panel" aria-label={`Source ${citation.n}`} data-testid="source-panel">
      <div className="source-head">
        <div>
          <p className="eyebrow">Source {citation.n}</p>
          <h2 className="source-title">{citation.title}</h2>
          <p className="muted small">{locationOf(citation)}</p>
        </div>
        <button
          ref={closeRef}
          type="button"
          className="icon-button"
          onClick={onClose}
          aria-label="Close the source"
        >
          <Icon name="close" />
        </button>
      </div>
      <blockquote className="quote">{citation.quote}</blockquote>
      <div className="source-actions">
        {isPdf && (
          <button type="button" className="button ghost small" onClick={() => setShowText((value) => !value)}>
            {showText ? 'Show the PDF page' : 'Show the extracted text'}
          </button>
        )}
        <a
          className="button ghost small"
          href={`/api/v1/documents/${encodeURIComponent(citation.documentId)}/original`}
        >
          Download original
        </a>
      </div>
      <ErrorNote>{error}</ErrorNote>
      {format === undefined && !error && <Spinner label="Opening the document…" />}
      {format !== undefined &&
        (isPdf && !showText ? <PdfView citation={citation} /> : <TextView citation={citation} />)}
    </aside>
  );
}

function PdfView({ citation }: { citation: Citation }) {
  const container = useRef<HTMLDivElement>(null);
  const [state, setState] = useState<'loading' | 'found' | 'missing' | 'error'>('loading');
  const [error, setError] = useState<string>();
  const [width, setWidth] = useState(0);
  const pdfRef = useRef<{ documentId: string; pdf: Promise<import('pdfjs-dist').PDFDocumentProxy> }>(
    undefined,
  );

  // Re-render the page when the panel's width changes noticeably (rotation, window resize).
  useEffect(() => {
    const element = container.current;
    if (!element || typeof ResizeObserver === 'undefined') return;
    let rendered = element.clientWidth;
    const observer = new ResizeObserver(([entry]) => {
      const next = Math.round(entry?.contentRect.width ?? 0);
      if (Math.abs(next - rendered) <= 24) return;
      rendered = next;
      setWidth(next);
    });
    observer.observe(element);
    return () => observer.disconnect();
  }, []);

  // biome-ignore lint/correctness/useExhaustiveDependencies: `width` re-renders the page at the panel's new size.
  useEffect(() => {
    let cancelled = false;
    let cancelRender: (() => void) | undefined;
    setState('loading');
    (async () => {
      const { openPdf, renderPdfPage } = await import('./pdf-page.js');
      if (pdfRef.current?.documentId !== citation.documentId) {
        const loading = api
          .GET('/api/v1/documents/{id}/original', {
            params: { path: { id: citation.documentId } },
            parseAs: 'arrayBuffer',
          })
          .then((result) => openPdf(unwrap(result) as unknown as ArrayBuffer));
        pdfRef.current = { documentId: citation.documentId, pdf: loading };
      }
      const pdf = await pdfRef.current.pdf;
      if (cancelled || !container.current) return;
      const rendered = await renderPdfPage(pdf, citation.page ?? 1, container.current, citation.quote);
      cancelRender = rendered.cancel;
      if (cancelled) return;
      setState(rendered.highlighted ? 'found' : 'missing');
      centerInScroller(container.current.querySelector('mark'));
    })().catch((caught: unknown) => {
      pdfRef.current = undefined;
      if (cancelled) return;
      setError(`The PDF page could not be shown: ${errorText(caught)}`);
      setState('error');
    });
    return () => {
      cancelled = true;
      cancelRender?.();
    };
  }, [citation, width]);

  return (
    <div className="source-body">
      {state === 'loading' && <Spinner label={`Rendering page ${citation.page}…`} />}
      {state === 'missing' && (
        <p className="muted small" role="status">
          The cited sentence could not be located on the rendered page; use “Show the extracted text”.
        </p>
      )}
      <ErrorNote>{error}</ErrorNote>
      <div ref={container} className="pdf-container" data-testid="pdf-page" data-state={state} />
    </div>
  );
}

function TextView({ citation }: { citation: Citation }) {
  const [text, setText] = useState<string>();
  const [error, setError] = useState<string>();
  const markRef = useRef<HTMLElement>(null);

  useEffect(() => {
    let live = true;
    setText(undefined);
    api
      .GET('/api/v1/documents/{id}/text', { params: { path: { id: citation.documentId } } })
      .then(unwrap)
      .then(
        (body) => live && setText(body.text),
        (caught: unknown) => live && setError(errorText(caught)),
      );
    return () => {
      live = false;
    };
  }, [citation.documentId]);

  // biome-ignore lint/correctness/useExhaustiveDependencies: a new span of the same document scrolls to its mark.
  useEffect(() => {
    if (text !== undefined) centerInScroller(markRef.current);
  }, [text, citation.start, citation.end]);

  if (error) return <ErrorNote>{error}</ErrorNote>;
  if (text === undefined) return <Spinner label="Loading the text…" />;
  return (
    <section
      className="source-body source-text"
      aria-label="Extracted text of the document"
      data-testid="source-text"
    >
      {text.slice(0, citation.start)}
      <mark ref={markRef} className="text-highlight">
        {text.slice(citation.start, citation.end)}
      </mark>
      {text.slice(citation.end)}
    </section>
  );
}

/** Scrolls the nearest scrollable ancestor so `element` is in its middle (never the window: no page jump). */
function centerInScroller(element: Element | null): void {
  if (!element) return;
  let scroller = element.parentElement;
  while (
    scroller &&
    !(
      scroller.scrollHeight > scroller.clientHeight &&
      /(auto|scroll)/.test(getComputedStyle(scroller).overflowY)
    )
  )
    scroller = scroller.parentElement;
  if (!scroller || scroller === document.body || scroller === document.documentElement) return;
  const box = element.getBoundingClientRect();
  const frame = scroller.getBoundingClientRect();
  scroller.scrollTop += box.top - frame.top - (frame.height - box.height) / 2;
}
