import type { Embedder } from '../../ports/embedder.port.js';
import type { Job, Queue } from '../../ports/queue.port.js';
import type { Store } from '../../ports/store.port.js';
import { backfillVectors } from './backfill-vectors.js';

/** Queue job kind that builds a new embedding index generation. */
export const embeddingGenerationJobKind = 'embedding-generation';

/** Payload of an {@link embeddingGenerationJobKind} job. */
export interface EmbeddingGenerationPayload {
  profile: string;
}

/** One index generation: the vectors of one embedder, made from one embedding profile. */
export interface GenerationRef {
  profile: string;
  embedderId: string;
}

/** What the settings row records: the generation serving, the one being built, recent retired ones. */
export interface GenerationState {
  active?: GenerationRef & { since: string };
  building?: GenerationRef & { jobId: string; startedAt: string; done: number; total: number };
  /** The generation just replaced, until its vectors are dropped (survives a crash after the switch). */
  retiring?: GenerationRef;
  retired: (GenerationRef & { at: string; deletedVectors: number })[];
}

export interface EmbeddingGenerationDependencies {
  store: Store;
  queue: Queue;
  /** The embedder of a named profile (from config). */
  embedderFor: (profile: string) => Embedder;
  /** Chunks embedded per step; default 256. */
  batchSize?: number;
  /**
   * Collections that use their own embedding profile with this embedder (active or being built):
   * their vectors stay when the deployment's old generation is dropped.
   */
  collectionsUsing?: (embedderId: string) => Promise<string[]>;
}

/** The settings row holding {@link GenerationState}. */
export const generationSettingKey = 'embedding.generations';

/**
 * Changing the embedding model without downtime. The active generation keeps serving while a queue
 * job backfills vectors for the new embedder in batches (progress in the job and the state row);
 * when every chunk has a vector, one settings write switches the active generation atomically, a
 * last sweep embeds chunks ingested meanwhile, and the old generation's vectors are deleted.
 *
 * @example
 * await generations.reconcile(config.embeddingProfile); // at start-up: enqueues a build if the profile changed
 * await generations.build({ profile: 'multilingual' }, { onProgress: (done, total) => ... }); // in the job runner
 */
export class EmbeddingGenerations {
  constructor(private readonly deps: EmbeddingGenerationDependencies) {}

  async state(): Promise<GenerationState> {
    const raw = await this.deps.store.getSetting(generationSettingKey);
    if (!raw) return { retired: [] };
    const parsed = JSON.parse(raw) as Partial<GenerationState>;
    return { ...parsed, retired: parsed.retired ?? [] };
  }

  /**
   * Brings the store in line with the configured profile: on first use it becomes the active
   * generation; when it differs from the active one, a build is queued (old one keeps serving).
   */
  async reconcile(profile: string): Promise<GenerationState> {
    const state = await this.state();
    const embedderId = this.deps.embedderFor(profile).id;
    if (!state.active) {
      const next = { ...state, active: { profile, embedderId, since: new Date().toISOString() } };
      await this.save(next);
      return next;
    }
    if (state.active.embedderId !== embedderId) await this.requestBuild(profile);
    return this.state();
  }

  /** Queues a build of `profile` unless it is already active or being built. */
  async requestBuild(profile: string): Promise<Job | undefined> {
    const state = await this.state();
    const embedderId = this.deps.embedderFor(profile).id;
    if (state.active?.embedderId === embedderId) return undefined;
    if (state.building?.embedderId === embedderId) {
      const existing = await this.deps.queue.get(state.building.jobId);
      if (existing && (existing.state === 'queued' || existing.state === 'running')) return existing;
    }
    const job = await this.deps.queue.enqueue<EmbeddingGenerationPayload>(
      embeddingGenerationJobKind,
      { profile },
      { dedupKey: `${embeddingGenerationJobKind}:${embedderId}`, maxAttempts: 5 },
    );
    const total = await this.deps.store.countChunks();
    await this.save({
      ...(await this.state()),
      building: { profile, embedderId, jobId: job.id, startedAt: new Date().toISOString(), done: 0, total },
    });
    return job;
  }

  /** Runs a build to the switch (the job runner calls this); resumable: it only embeds what is missing. */
  async build(
    payload: EmbeddingGenerationPayload,
    options: { signal?: AbortSignal; onProgress?: (done: number, total: number) => void } = {},
  ): Promise<GenerationState> {
    const embedder = this.deps.embedderFor(payload.profile);
    const id = embedder.id;
    const total = await this.deps.store.countChunks();
    let done = await this.deps.store.countVectors(id);
    const report = async () => {
      options.onProgress?.(done, total);
      const state = await this.state();
      if (state.building?.embedderId === id)
        await this.save({ ...state, building: { ...state.building, done, total } });
    };
    await report();
    const initial = done;
    await this.backfill(embedder, options.signal, async (embedded) => {
      done = initial + embedded;
      await report();
    });
    done = await this.deps.store.countVectors(id);
    // The switch: one settings row, so every process sees old or new, never a mix. The generation it
    // replaces is recorded as retiring in the same write, so a build resumed after a crash past the
    // switch still drops its vectors.
    const before = await this.state();
    const old = before.active?.embedderId === id ? before.retiring : before.active;
    if (before.active?.embedderId !== id) {
      const { building: _building, ...rest } = before;
      await this.save({
        ...rest,
        active: { profile: payload.profile, embedderId: id, since: new Date().toISOString() },
        ...(old && old.embedderId !== id
          ? { retiring: { profile: old.profile, embedderId: old.embedderId } }
          : {}),
      });
    }
    // Chunks ingested with the old embedder while the switch happened.
    await this.backfill(embedder, options.signal, async () => {});
    if (old && old.embedderId !== id) {
      const deletedVectors = await this.dropGeneration(old.embedderId);
      const { retiring: _retiring, ...latest } = await this.state();
      await this.save({
        ...latest,
        retired: [
          { profile: old.profile, embedderId: old.embedderId, at: new Date().toISOString(), deletedVectors },
          ...latest.retired,
        ].slice(0, 10),
      });
    }
    options.onProgress?.(done, total);
    return this.state();
  }

  /** Deletes an old generation's vectors, except in collections whose own profile still uses it. */
  private async dropGeneration(embedderId: string): Promise<number> {
    const keep = new Set((await this.deps.collectionsUsing?.(embedderId)) ?? []);
    if (keep.size === 0) return this.deps.store.deleteVectors(embedderId);
    let deleted = 0;
    for (const collection of await this.deps.store.listCollections()) {
      if (!keep.has(collection.id)) deleted += await this.deps.store.deleteVectors(embedderId, collection.id);
    }
    return deleted;
  }

  /** Embeds every chunk that has no vector from `embedder`. */
  private backfill(
    embedder: Embedder,
    signal: AbortSignal | undefined,
    onBatch: (count: number) => Promise<void>,
  ): Promise<number> {
    return backfillVectors(this.deps.store, embedder, {
      batchSize: this.deps.batchSize ?? 256,
      what: 'index generation build',
      onBatch,
      ...(signal ? { signal } : {}),
    });
  }

  private save(state: GenerationState): Promise<void> {
    return this.deps.store.setSetting(generationSettingKey, JSON.stringify(state));
  }
}

/**
 * The embedder of the active generation, re-read from the store at most every `refreshMs`: search
 * and ingestion follow a switch made by another process without a restart.
 */
export class ActiveEmbedder implements Embedder {
  private current: Embedder;
  private checkedAt = 0;

  constructor(
    private readonly generations: EmbeddingGenerations,
    private readonly embedderFor: (profile: string) => Embedder | undefined,
    initial: Embedder,
    private readonly refreshMs = 5000,
  ) {
    this.current = initial;
  }

  get id(): string {
    return this.current.id;
  }

  get maxBatchSize(): number {
    return this.current.maxBatchSize;
  }

  dimension(): Promise<number> {
    return this.current.dimension();
  }

  async pin(options: { fresh?: boolean } = {}): Promise<Embedder> {
    if (options.fresh) this.checkedAt = 0;
    await this.refresh();
    return this.current;
  }

  async embed(texts: readonly string[], purpose: 'query' | 'document', signal?: AbortSignal) {
    const embedder = await this.pin();
    return embedder.embed(texts, purpose, signal);
  }

  private async refresh(): Promise<void> {
    const now = Date.now();
    if (now - this.checkedAt < this.refreshMs) return;
    this.checkedAt = now;
    const active = (await this.generations.state()).active;
    if (!active || active.embedderId === this.current.id) return;
    const next = this.embedderFor(active.profile);
    if (next && next.id === active.embedderId) this.current = next;
  }
}
