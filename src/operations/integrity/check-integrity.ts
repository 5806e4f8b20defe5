import { createHash } from 'node:crypto';
import {
  type CollectionEmbeddingState,
  collectionEmbeddingKey,
} from '../../core/index-generation/collection-embeddings.service.js';
import {
  type GenerationState,
  generationSettingKey,
} from '../../core/index-generation/embedding-generations.service.js';
import { chunkTerms } from '../../core/ingest/ingest.service.js';
import { analyzerVersion } from '../../core/text/analyzer.js';
import type { BlobStore } from '../../ports/blob-store.port.js';
import type { DatabaseIntegrity, IntegrityCheck, StoredDocument } from '../../ports/integrity.port.js';
import type { Store } from '../../ports/store.port.js';

/** What `lore check` found. `ok` is false when any check of severity `error` has problems. */
export interface IntegrityReport {
  ok: boolean;
  backend: string;
  checkedAt: string;
  documents: number;
  chunks: number;
  blobs: number;
  ms: number;
  checks: IntegrityCheck[];
}

export interface IntegrityOptions {
  /** Read every original and compare its sha256 with its key (slower: reads every byte). */
  verifyBlobs?: boolean;
}

const exampleLimit = 5;

/** Collects problems of one named check. */
class Finding {
  problems = 0;
  readonly examples: string[] = [];

  constructor(
    readonly name: string,
    readonly description: string,
    readonly severity: IntegrityCheck['severity'] = 'error',
  ) {}

  add(example: string): void {
    this.problems++;
    if (this.examples.length < exampleLimit) this.examples.push(example);
  }

  result(): IntegrityCheck {
    const { name, description, severity, problems, examples } = this;
    return { name, description, severity, problems, examples };
  }
}

/**
 * Checks that what is stored is whole and consistent: the backend's own checks (SQLite's
 * integrity_check and foreign keys; PostgreSQL's postings against term and field statistics), then
 * document by document its text, its chunks (count, order, spans against the text, the terms they
 * were indexed with), its vectors (every chunk or none, per embedder) and its original file, and
 * finally the originals no row refers to. Read-only, so it can run while Lore serves; documents are
 * read in batches, each batch at one point in time.
 *
 * @example
 * const report = await checkIntegrity({ integrity, store, blobs }, { verifyBlobs: true });
 * if (!report.ok) console.log(report.checks.filter((check) => check.problems > 0));
 */
export async function checkIntegrity(
  deps: { integrity: DatabaseIntegrity; store: Store; blobs: BlobStore },
  options: IntegrityOptions = {},
): Promise<IntegrityReport> {
  const started = performance.now();
  const checks = await deps.integrity.databaseChecks();
  const generations = await embeddingStates(deps.store);
  const perDocument = new DocumentChecks(generations);
  let documents = 0;
  let chunks = 0;
  for await (const stored of deps.integrity.documents()) {
    documents++;
    chunks += stored.chunks.length;
    perDocument.check(stored);
  }
  const blobs = await checkBlobs(deps, options);
  checks.push(...perDocument.results(), ...blobs.checks);
  return {
    ok: checks.every((check) => check.severity !== 'error' || check.problems === 0),
    backend: deps.integrity.backend,
    checkedAt: new Date().toISOString(),
    documents,
    chunks,
    blobs: blobs.count,
    ms: Math.round(performance.now() - started),
    checks,
  };
}

/** Which embedders may hold vectors, and which may hold only some (being built or being dropped). */
interface EmbeddingStates {
  /** False when no generation was ever recorded (embedder passed in directly): staleness is unknown. */
  recorded: boolean;
  /** Embedders serving the deployment or a collection, plus ones being built or retired. */
  inUse: Set<string>;
  /** Embedders whose vectors are being written or deleted in batches (partial is expected). */
  partial: Set<string>;
  /** The deployment's active embedder. */
  active?: string;
}

async function embeddingStates(store: Store): Promise<EmbeddingStates> {
  const states: EmbeddingStates = { recorded: false, inUse: new Set(), partial: new Set() };
  const raw = await store.getSetting(generationSettingKey);
  const deployment = raw ? (JSON.parse(raw) as GenerationState) : undefined;
  if (deployment?.active) {
    states.recorded = true;
    states.active = deployment.active.embedderId;
    states.inUse.add(deployment.active.embedderId);
  }
  for (const ref of [deployment?.building, deployment?.retiring]) {
    if (ref) {
      states.inUse.add(ref.embedderId);
      states.partial.add(ref.embedderId);
    }
  }
  for (const collection of await store.listCollections()) {
    const value = await store.getSetting(collectionEmbeddingKey(collection.id));
    if (!value) continue;
    const state = JSON.parse(value) as CollectionEmbeddingState;
    if (state.active) states.inUse.add(state.active.embedderId);
    for (const ref of [state.building, state.retiring]) {
      if (ref) {
        states.inUse.add(ref.embedderId);
        states.partial.add(ref.embedderId);
      }
    }
  }
  return states;
}

/** The backend-independent checks, one document at a time. */
class DocumentChecks {
  private readonly text = new Finding('document-texts', 'every document has its extracted text');
  private readonly counts = new Finding(
    'chunk-counts',
    'every document has exactly the chunks it declares (chunk_count)',
  );
  private readonly ordinals = new Finding(
    'chunk-ordinals',
    'the chunks of a document are numbered 0…n−1, each once (no duplicates, no gaps)',
  );
  private readonly spans = new Finding(
    'chunk-spans',
    'every chunk is exactly the document text between its start and end offsets',
  );
  private readonly terms = new Finding(
    'chunk-terms',
    'every chunk is indexed with the terms its text, context and document title give today',
  );
  private readonly vectors = new Finding(
    'document-vectors',
    'per embedder, a document has a vector for every chunk or for none (nothing half-written)',
  );
  private readonly stale = new Finding(
    'stale-vectors',
    'no vectors remain from an embedder that is neither active, being built nor being retired',
  );
  private readonly coverage = new Finding(
    'active-embedder-coverage',
    "every chunk has a vector from the deployment's active embedder (chunks ingested before an embedder was configured have none)",
    'warning',
  );
  private readonly staleEmbedders = new Map<string, number>();

  constructor(private readonly embedders: EmbeddingStates) {}

  check(stored: StoredDocument): void {
    const { document, chunks, text } = stored;
    const name = `${document.fileName} (${document.id})`;
    if (text === undefined) this.text.add(name);
    if (chunks.length !== document.chunkCount) {
      this.counts.add(`${name}: ${chunks.length} chunks stored, ${document.chunkCount} declared`);
    }
    const ordinals = chunks.map((chunk) => chunk.ordinal);
    if (ordinals.some((ordinal, index) => ordinal !== index)) {
      this.ordinals.add(
        `${name}: ordinals ${ordinals.slice(0, 8).join(',')}${ordinals.length > 8 ? '…' : ''}`,
      );
    }
    // Terms are comparable only when the document was indexed by today's analyzer.
    const sameAnalyzer = document.chunkerVersion.endsWith(`;${analyzerVersion}`);
    for (const chunk of chunks) {
      if (text !== undefined) {
        const inRange = chunk.start >= 0 && chunk.start <= chunk.end && chunk.end <= text.length;
        if (!inRange || text.slice(chunk.start, chunk.end) !== chunk.text) {
          this.spans.add(`${name} chunk ${chunk.ordinal}: [${chunk.start}, ${chunk.end}) of ${text.length}`);
        }
      }
      if (sameAnalyzer) {
        const expected = chunkTerms(document.title, chunk);
        if (!sameList(expected.title, chunk.titleTerms) || !sameList(expected.body, chunk.bodyTerms)) {
          this.terms.add(`${name} chunk ${chunk.ordinal}`);
        }
      }
    }
    for (const [embedderId, count] of stored.vectorsByEmbedder) {
      if (this.embedders.recorded && !this.embedders.inUse.has(embedderId)) {
        this.staleEmbedders.set(embedderId, (this.staleEmbedders.get(embedderId) ?? 0) + count);
      }
      if (count !== chunks.length && !this.embedders.partial.has(embedderId)) {
        this.vectors.add(`${name}: ${count} of ${chunks.length} chunks have a ${embedderId} vector`);
      }
    }
    const active = this.embedders.active;
    if (active && chunks.length > 0 && !stored.vectorsByEmbedder.has(active)) {
      this.coverage.add(`${name}: no ${active} vectors`);
    }
  }

  results(): IntegrityCheck[] {
    for (const [embedderId, count] of this.staleEmbedders) this.stale.add(`${embedderId}: ${count} vectors`);
    return [
      this.text,
      this.counts,
      this.ordinals,
      this.spans,
      this.terms,
      this.vectors,
      this.stale,
      this.coverage,
    ].map((finding) => finding.result());
  }
}

/** Every referenced original present (and intact), and originals no row refers to. */
async function checkBlobs(
  deps: { integrity: DatabaseIntegrity; blobs: BlobStore },
  options: IntegrityOptions,
): Promise<{ count: number; checks: IntegrityCheck[] }> {
  const missing = new Finding(
    'blobs-present',
    "every document's original and every pending job's upload is in the blob store",
  );
  const damaged = new Finding(
    'blobs-intact',
    options.verifyBlobs
      ? 'every referenced original hashes to its key (sha256)'
      : 'not verified (run with --verify-blobs to hash every original)',
  );
  const orphans = new Finding(
    'orphan-blobs',
    'every original in the blob store is referenced by a document or a job (the prune-orphan-blobs task deletes orphans after an hour)',
    'warning',
  );
  const references = await deps.integrity.blobReferences();
  const referenced = new Map<string, { from: string; required: boolean }>();
  for (const reference of references) {
    const known = referenced.get(reference.key);
    if (!known || (reference.required && !known.required)) referenced.set(reference.key, reference);
  }
  for (const [key, reference] of referenced) {
    if (!(await deps.blobs.has(key))) {
      // A finished or failed job's upload may be gone (its document replaced it, or it was pruned).
      if (reference.required) missing.add(`${key} (${reference.from})`);
      continue;
    }
    if (options.verifyBlobs) {
      const bytes = await deps.blobs.get(key);
      if (createHash('sha256').update(bytes).digest('hex') !== key) damaged.add(`${key} (${reference.from})`);
    }
  }
  let count = 0;
  for await (const key of deps.blobs.keys()) {
    count++;
    if (!referenced.has(key)) orphans.add(key);
  }
  return { count, checks: [missing.result(), damaged.result(), orphans.result()] };
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((value, index) => value === b[index]);
}
