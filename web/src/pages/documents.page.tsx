import { useEffect, useRef, useState } from 'react';
import { EmptyState, ErrorNote, Spinner } from '../components/feedback.js';
import { Icon } from '../components/icons.js';
import { TryLoreDocs } from '../components/try-docs.js';
import { AddUrlCard } from '../documents/add-url-card.js';
import { ConnectorsCard } from '../documents/connectors-card.js';
import { filesOfDrop, visibleFiles } from '../documents/folder-entries.js';
import { type UploadItem, uploadAll } from '../documents/upload-queue.js';
import { api, errorText, type LoreDocument, unwrap } from '../lib/api.js';
import { formatBytes, formatDate, useAsync } from '../lib/use-async.js';

/** Documents: drag-and-drop upload with per-file progress, the list, and a preview of text and chunks. */
export function DocumentsPage() {
  const collections = useAsync(async () => unwrap(await api.GET('/api/v1/collections')).collections, []);
  const [collectionId, setCollectionId] = useState('');
  const documents = useAsync(
    async () =>
      unwrap(
        await api.GET('/api/v1/documents', {
          params: { query: { limit: 1000, ...(collectionId ? { collectionId } : {}) } },
        }),
      ).documents,
    [collectionId],
  );
  const [uploads, setUploads] = useState<UploadItem[]>([]);
  const [target, setTarget] = useState('');
  const [preview, setPreview] = useState<LoreDocument>();
  const [actionError, setActionError] = useState<string>();
  /** Bumped when Add URL made a web connector, so the connectors card lists it. */
  const [connectorsRound, setConnectorsRound] = useState(0);

  const start = (files: File[]) => {
    if (files.length === 0) return;
    const collection = target.trim() || undefined;
    void uploadAll(files, {
      ...(collection ? { collection } : {}),
      onChange: (item) =>
        setUploads((current) => {
          const index = current.findIndex((entry) => entry.id === item.id);
          if (index < 0) return [...current, item];
          const next = current.slice();
          next[index] = item;
          return next;
        }),
      onFinished: () => {
        documents.reload();
        collections.reload();
      },
    });
  };

  async function act(action: () => Promise<unknown>) {
    setActionError(undefined);
    try {
      await action();
      documents.reload();
      collections.reload();
    } catch (caught) {
      setActionError(errorText(caught));
    }
  }

  const nameOf = new Map((collections.data ?? []).map((collection) => [collection.id, collection.name]));
  const editable = (collections.data ?? []).filter((collection) => collection.permission !== 'reader');
  return (
    <section className="page">
      <div className="page-head">
        <h1>Documents</h1>
      </div>
      <div className="card upload-card">
        <div className="upload-options">
          <label className="field inline">
            <span>Add to collection</span>
            <input
              list="collection-names"
              value={target}
              placeholder="your own collection"
              onChange={(event) => setTarget(event.target.value)}
            />
            <datalist id="collection-names">
              {(collections.data ?? [])
                .filter((collection) => collection.permission !== 'reader')
                .map((collection) => (
                  <option key={collection.id} value={collection.name} />
                ))}
            </datalist>
          </label>
        </div>
        <DropZone onFiles={start} />
        {uploads.length > 0 && (
          <UploadList items={uploads} onClear={() => setUploads((u) => u.filter(busy))} />
        )}
      </div>

      <AddUrlCard
        collections={editable}
        onStarted={() => setConnectorsRound((n) => n + 1)}
        onAdded={() => {
          documents.reload();
          setConnectorsRound((n) => n + 1);
        }}
      />

      <ConnectorsCard
        nameOf={nameOf}
        collections={editable}
        refresh={connectorsRound}
        onSynced={documents.reload}
      />

      <div className="list-head">
        <h2>Indexed documents</h2>
        <label className="field inline">
          <span>Collection</span>
          <select value={collectionId} onChange={(event) => setCollectionId(event.target.value)}>
            <option value="">All</option>
            {(collections.data ?? []).map((collection) => (
              <option key={collection.id} value={collection.id}>
                {collection.name}
              </option>
            ))}
          </select>
        </label>
      </div>
      <ErrorNote>{documents.error ?? actionError}</ErrorNote>
      {documents.loading && !documents.data && <Spinner label="Loading documents…" />}
      {documents.data?.length === 0 &&
        (collectionId ? (
          <EmptyState title="This collection is empty" />
        ) : (
          <TryLoreDocs
            onReady={() => {
              documents.reload();
              collections.reload();
            }}
          />
        ))}
      {documents.data && documents.data.length > 0 && (
        <div className="table-wrap">
          <table className="table" aria-label="Documents">
            <thead>
              <tr>
                <th scope="col">Document</th>
                <th scope="col">Collection</th>
                <th scope="col" className="num">
                  Size
                </th>
                <th scope="col" className="num">
                  Pages
                </th>
                <th scope="col" className="num">
                  Chunks
                </th>
                <th scope="col">Status</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {documents.data.map((document) => (
                <tr key={document.id}>
                  <td data-label="Document">
                    <button type="button" className="link" onClick={() => setPreview(document)}>
                      {document.title}
                    </button>
                    <div className="muted small">
                      {document.fileName} · {document.format} · updated {formatDate(document.updatedAt)}
                    </div>
                  </td>
                  <td data-label="Collection">{nameOf.get(document.collectionId) ?? '—'}</td>
                  <td data-label="Size" className="num">
                    {formatBytes(document.byteSize)}
                  </td>
                  <td data-label="Pages" className="num">
                    {document.pageCount ?? '—'}
                  </td>
                  <td data-label="Chunks" className="num">
                    {document.chunkCount}
                  </td>
                  <td data-label="Status">
                    {document.warnings.length > 0 ? (
                      <details className="warnings">
                        <summary>
                          ⚠ {document.warnings.length} warning{document.warnings.length > 1 ? 's' : ''}
                        </summary>
                        <ul>
                          {document.warnings.map((warning, index) => (
                            // biome-ignore lint/suspicious/noArrayIndexKey: warnings have no id.
                            <li key={index}>
                              {warning.page ? `Page ${warning.page}: ` : ''}
                              {warning.message}
                            </li>
                          ))}
                        </ul>
                      </details>
                    ) : (
                      <span className="badge ok">Indexed</span>
                    )}
                  </td>
                  <td className="row-actions">
                    <a
                      className="button ghost small"
                      href={`/api/v1/documents/${encodeURIComponent(document.id)}/original`}
                      aria-label={`Download ${document.fileName}`}
                    >
                      Download
                    </a>
                    <button
                      type="button"
                      className="button ghost small"
                      aria-label={`Re-index ${document.fileName}`}
                      onClick={() =>
                        act(async () =>
                          unwrap(
                            await api.POST('/api/v1/documents/{id}/reindex', {
                              params: { path: { id: document.id } },
                            }),
                          ),
                        )
                      }
                    >
                      Re-index
                    </button>
                    <button
                      type="button"
                      className="button ghost small danger"
                      aria-label={`Delete ${document.fileName}`}
                      onClick={() => {
                        if (
                          !window.confirm(`Delete ${document.fileName}? Its answers will no longer cite it.`)
                        )
                          return;
                        void act(async () =>
                          unwrap(
                            await api.DELETE('/api/v1/documents/{id}', {
                              params: { path: { id: document.id } },
                            }),
                          ),
                        );
                      }}
                    >
                      Delete
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {preview && <DocumentPreview document={preview} onClose={() => setPreview(undefined)} />}
    </section>
  );
}

const busy = (item: UploadItem) => item.phase !== 'done' && item.phase !== 'failed';

function DropZone({ onFiles }: { onFiles(files: File[]): void }) {
  const [over, setOver] = useState(false);
  const folderInput = useRef<HTMLInputElement>(null);
  useEffect(() => {
    // React does not type `webkitdirectory`; set it on the element.
    folderInput.current?.setAttribute('webkitdirectory', '');
  }, []);
  return (
    // biome-ignore lint/a11y/noStaticElementInteractions: a drop target for the mouse; the two file buttons inside are the keyboard path.
    <div
      className={`dropzone${over ? ' over' : ''}`}
      data-testid="dropzone"
      onDragOver={(event) => {
        event.preventDefault();
        setOver(true);
      }}
      onDragLeave={() => setOver(false)}
      onDrop={(event) => {
        event.preventDefault();
        setOver(false);
        void filesOfDrop(event.dataTransfer).then(onFiles);
      }}
    >
      <p>
        <strong>Drop files or folders here</strong>
      </p>
      <p className="muted small">
        PDF, Word, PowerPoint, spreadsheets, OpenDocument, EPUB, RTF, HTML, Markdown, text
      </p>
      <div className="dropzone-buttons">
        <label className="button">
          Choose files
          <input
            type="file"
            multiple
            className="visually-hidden"
            data-testid="file-input"
            onChange={(event) => {
              onFiles(visibleFiles(event.target.files));
              event.target.value = '';
            }}
          />
        </label>
        <label className="button secondary">
          Choose a folder
          <input
            ref={folderInput}
            type="file"
            multiple
            className="visually-hidden"
            onChange={(event) => {
              onFiles(visibleFiles(event.target.files));
              event.target.value = '';
            }}
          />
        </label>
      </div>
    </div>
  );
}

function UploadList({ items, onClear }: { items: UploadItem[]; onClear(): void }) {
  const finished = items.filter((item) => !busy(item)).length;
  return (
    <div className="uploads">
      <div className="list-head">
        <h2 className="small-heading">
          Uploads ({finished} of {items.length} finished)
        </h2>
        {finished > 0 && (
          <button type="button" className="button ghost small" onClick={onClear}>
            Clear finished
          </button>
        )}
      </div>
      <ul className="upload-list" aria-live="polite">
        {items.map((item) => (
          <li key={item.id} data-testid="upload-item" data-phase={item.phase}>
            <div className="upload-line">
              <span className="upload-name">{item.fileName}</span>
              <span className="muted small">{formatBytes(item.size)}</span>
              <span className={`badge ${badgeOf(item)}`}>{phaseLabel(item)}</span>
            </div>
            {busy(item) && (
              <progress
                max={1}
                value={progressOf(item)}
                aria-label={`Progress of ${item.fileName}`}
                className="progress"
              />
            )}
            {item.error && <p className="error-note small">{item.error}</p>}
          </li>
        ))}
      </ul>
    </div>
  );
}

function progressOf(item: UploadItem): number {
  if (item.phase === 'uploading' || item.phase === 'waiting') return item.uploaded * 0.3;
  const progress = item.job?.progress ?? {};
  const chunks = progress.chunks ?? 0;
  const embedded = progress.embedded;
  if (chunks > 0 && embedded !== undefined) return 0.6 + 0.4 * Math.min(1, embedded / chunks);
  if (chunks > 0) return 0.8;
  if ((progress.pages ?? 0) > 0) return 0.5;
  return 0.35;
}

function phaseLabel(item: UploadItem): string {
  switch (item.phase) {
    case 'waiting':
      return 'Waiting';
    case 'uploading':
      return `Uploading ${Math.round(item.uploaded * 100)}%`;
    case 'processing': {
      const progress = item.job?.progress ?? {};
      if (item.job?.state === 'queued') return 'Queued';
      if (progress.chunks)
        return `Indexing ${progress.embedded ?? progress.chunks}/${progress.chunks} chunks`;
      if (progress.pages) return `Reading ${progress.pages} pages`;
      return 'Reading';
    }
    case 'done':
      return item.job?.progress.chunks !== undefined ? `Ready · ${item.job.progress.chunks} chunks` : 'Ready';
    case 'failed':
      return 'Failed';
  }
}

function badgeOf(item: UploadItem): string {
  return item.phase === 'done' ? 'ok' : item.phase === 'failed' ? 'bad' : 'busy';
}

function DocumentPreview({ document, onClose }: { document: LoreDocument; onClose(): void }) {
  const [tab, setTab] = useState<'text' | 'chunks'>('text');
  const text = useAsync(
    async () =>
      unwrap(await api.GET('/api/v1/documents/{id}/text', { params: { path: { id: document.id } } })).text,
    [document.id],
  );
  const chunks = useAsync(
    async () =>
      unwrap(await api.GET('/api/v1/documents/{id}/chunks', { params: { path: { id: document.id } } }))
        .chunks,
    [document.id],
  );
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const element = dialog.current;
    if (element && !element.open) element.showModal?.();
  }, []);
  return (
    <dialog ref={dialog} className="preview-dialog" aria-labelledby="preview-title" onClose={onClose}>
      <div className="source-head">
        <div>
          <h2 id="preview-title">{document.title}</h2>
          <p className="muted small">
            {document.fileName} · {formatBytes(document.byteSize)} · {document.chunkCount} chunks · parser{' '}
            {document.parserVersion}
          </p>
        </div>
        <button
          type="button"
          className="icon-button"
          onClick={() => dialog.current?.close()}
          aria-label="Close"
        >
          <Icon name="close" />
        </button>
      </div>
      <div className="tabs" role="tablist">
        <button type="button" role="tab" aria-selected={tab === 'text'} onClick={() => setTab('text')}>
          Extracted text
        </button>
        <button type="button" role="tab" aria-selected={tab === 'chunks'} onClick={() => setTab('chunks')}>
          Chunks
        </button>
      </div>
      <div className="preview-body" role="tabpanel" aria-label={tab === 'text' ? 'Extracted text' : 'Chunks'}>
        {tab === 'text' &&
          (text.error ? (
            <ErrorNote>{text.error}</ErrorNote>
          ) : text.data === undefined ? (
            <Spinner label="Loading…" />
          ) : (
            <pre className="source-text">{text.data || '(no text)'}</pre>
          ))}
        {tab === 'chunks' &&
          (chunks.error ? (
            <ErrorNote>{chunks.error}</ErrorNote>
          ) : chunks.data === undefined ? (
            <Spinner label="Loading…" />
          ) : (
            <ol className="chunk-list">
              {chunks.data.map((chunk) => (
                <li key={chunk.id}>
                  <p className="muted small">
                    #{chunk.ordinal + 1} · characters {chunk.start}–{chunk.end} · {chunk.tokenCount} tokens
                    {chunk.page !== undefined ? ` · page ${chunk.page}` : ''}
                    {chunk.context ? ` · ${chunk.context}` : ''}
                  </p>
                  <p className="chunk-text">{chunk.text}</p>
                </li>
              ))}
            </ol>
          ))}
      </div>
    </dialog>
  );
}
