import type { Embedder } from '../../ports/embedder.port.js';
import type { Job, JobState, Queue } from '../../ports/queue.port.js';
import type { Store } from '../../ports/store.port.js';
import { backfillVectors } from './backfill-vectors.js';
import type { GenerationRef, GenerationState } from './embedding-generations.service.js';

/** Queue job kind that builds one collection's new embedding generation. */
export const collectionEmbeddingJobKind = 'collection-embedding-generation';

/** Payload of a {@link collectionEmbeddingJobKind} job (`collection` and `requestedBy` make it visible to the owner). */
export interface CollectionEmbeddingPayload {
  collectionId: string;
  /** Collection name. */
  collection: string;
  profile: string;
  requestedBy?: string;
}

/** What a collection's settings row records: the generation serving it and the one being built. */
export interface CollectionEmbeddingState {
  active?: GenerationRef & { since: string };
  building?: GenerationRef & { jobId: string; startedAt: string; done: number; total: number };
  /** The generation just replaced, until its vectors are deleted (survives a crash after the switch). */
  retiring?: GenerationRef;
  retired?: GenerationRef & { at: string; deletedVectors: number };
}

/** A collection's embedding as the API shows it. */
export interface CollectionEmbeddingView {
  profile: string;
  embedderId: string;
  generation?: GenerationRef & { jobId: string; state: JobState; done: number; total: number };
}

export interface CollectionEmbeddingDependencies {
  store: Store;
  queue: Queue;
  /** The embedder of a named profile (from config). */
  embedderFor: (profile: string) => Embedder;
  /** The deployment-wide generation, which serves collections that name no profile. */
  deployment: { state(): Promise<GenerationState> };
  /** Chunks embedded per step; default 256. */
  batchSize?: number;
  /** How long a read of every collection's state is reused by search; default 2000 ms. */
  refreshMs?: number;
}

/** The settings key holding a collection's {@link CollectionEmbeddingState}. */
export function collectionEmbeddingKey(collectionId: string): string {
  return `collection:${collectionId}:embedding`;
}

/**
 * Per-collection embedding profiles. A collection that names a profile is embedded and searched
 * with that profile's embedder; changing it queues a job that backfills the collection's vectors for
 * the new embedder while the old one keeps serving, switches with one settings write, embeds
 * chunks ingested meanwhile and deletes the collection's old vectors.
 *
 * @example
 * const job = await collections.requestChange(collection, 'multilingual', userId);
 * await collections.build(job.payload, { onProgress: (done, total) => ... }); // in the job runner
 */
export class CollectionEmbeddings {
  private readonly embedders = new Map<string, Embedder>();
  private cached: { at: number; states: Map<string, CollectionEmbeddingState> } | undefined;

  constructor(private readonly deps: CollectionEmbeddingDependencies) {}

  /** The (cached) embedder of a profile; throws LoreError `invalid_config` for an unknown one. */
  embedder(profile: string): Embedder {
    let embedder = this.embedders.get(profile);
    if (!embedder) {
      embedder = this.deps.embedderFor(profile);
      this.embedders.set(profile, embedder);
    }
    return embedder;
  }

  async state(collectionId: string): Promise<CollectionEmbeddingState> {
    const raw = await this.deps.store.getSetting(collectionEmbeddingKey(collectionId));
    return raw ? (JSON.parse(raw) as CollectionEmbeddingState) : {};
  }

  /** The embedder serving a collection that names a profile; undefined when it follows the deployment. */
  async activeEmbedder(collectionId: string): Promise<Embedder | undefined> {
    return this.embedderOf((await this.state(collectionId)).active);
  }

  /** Every collection's state, re-read at most every `refreshMs` (and after a local write). */
  /** Collections whose own profile uses this embedder, active or being built. */
  async collectionsUsing(embedderId: string): Promise<string[]> {
    return [...(await this.states()).entries()]
      .filter(
        ([, state]) => state.active?.embedderId === embedderId || state.building?.embedderId === embedderId,
      )
      .map(([collectionId]) => collectionId);
  }

  async states(): Promise<Map<string, CollectionEmbeddingState>> {
    const now = Date.now();
    if (this.cached && now - this.cached.at < (this.deps.refreshMs ?? 2000)) return this.cached.states;
    const states = new Map<string, CollectionEmbeddingState>();
    for (const collection of await this.deps.store.listCollections()) {
      states.set(collection.id, await this.state(collection.id));
    }
    this.cached = { at: now, states };
    return states;
  }

  /** Profile, active embedder and the build in progress (with its job's state) of a collection. */
  async view(collectionId: string): Promise<CollectionEmbeddingView | undefined> {
    const state = await this.state(collectionId);
    const active = state.active ?? (await this.deps.deployment.state()).active;
    if (!active) return undefined;
    const view: CollectionEmbeddingView = { profile: active.profile, embedderId: active.embedderId };
    const building = state.building;
    if (!building) return view;
    const job = await this.deps.queue.get(building.jobId);
    const { profile, embedderId, jobId, done, total } = building;
    return {
      ...view,
      generation: {
        profile,
        embedderId,
        jobId,
        state: job?.state ?? 'failed',
        done: job?.progress.done ?? done,
        total: job?.progress.total ?? total,
      },
    };
  }

  /**
   * Names a collection's embedding profile. When that changes the embedder serving it, a build is
   * queued (or the one already queued returned); otherwise the profile is recorded at once.
   */
  async requestChange(
    collection: { id: string; name: string },
    profile: string,
    requestedBy?: string,
  ): Promise<Job | undefined> {
    const embedderId = this.embedder(profile).id;
    const state = await this.state(collection.id);
    const serving = state.active ?? (await this.deps.deployment.state()).active;
    if (!serving || serving.embedderId === embedderId) {
      const { building: _dropped, ...rest } = state;
      await this.save(collection.id, {
        ...rest,
        active: { profile, embedderId, since: new Date().toISOString() },
      });
      return undefined;
    }
    if (state.building?.embedderId === embedderId) {
      const existing = await this.deps.queue.get(state.building.jobId);
      if (existing && (existing.state === 'queued' || existing.state === 'running')) return existing;
    }
    const job = await this.deps.queue.enqueue<CollectionEmbeddingPayload>(
      collectionEmbeddingJobKind,
      {
        collectionId: collection.id,
        collection: collection.name,
        profile,
        ...(requestedBy ? { requestedBy } : {}),
      },
      { dedupKey: `${collectionEmbeddingJobKind}:${collection.id}:${embedderId}`, maxAttempts: 5 },
    );
    const total = await this.deps.store.countChunks(collection.id);
    await this.save(collection.id, {
      ...(await this.state(collection.id)),
      building: { profile, embedderId, jobId: job.id, startedAt: new Date().toISOString(), done: 0, total },
    });
    return job;
  }

  /** Runs a collection's build to the switch (the job runner calls this); resumable. */
  async build(
    payload: Pick<CollectionEmbeddingPayload, 'collectionId' | 'profile'>,
    options: { signal?: AbortSignal; onProgress?: (done: number, total: number) => void } = {},
  ): Promise<CollectionEmbeddingState> {
    const { collectionId, profile } = payload;
    const embedder = this.embedder(profile);
    const id = embedder.id;
    const total = await this.deps.store.countChunks(collectionId);
    let done = await this.deps.store.countVectors(id, collectionId);
    const report = async () => {
      options.onProgress?.(done, total);
      const state = await this.state(collectionId);
      if (state.building?.embedderId === id)
        await this.save(collectionId, { ...state, building: { ...state.building, done, total } });
    };
    await report();
    const initial = done;
    await this.backfill(collectionId, embedder, options.signal, async (embedded) => {
      done = initial + embedded;
      await report();
    });
    // The switch: one settings row, so every process sees the old or the new embedder, never a mix.
    // The replaced generation is recorded as retiring in the same write, so a build resumed after a
    // crash past the switch still deletes its vectors.
    const before = await this.state(collectionId);
    const old =
      before.active?.embedderId === id
        ? before.retiring
        : (before.active ?? (await this.deps.deployment.state()).active);
    if (before.active?.embedderId !== id) {
      await this.save(collectionId, {
        active: { profile, embedderId: id, since: new Date().toISOString() },
        ...(before.retired ? { retired: before.retired } : {}),
        ...(old && old.embedderId !== id
          ? { retiring: { profile: old.profile, embedderId: old.embedderId } }
          : {}),
      });
    }
    // Chunks ingested with the old embedder while the switch happened.
    await this.backfill(collectionId, embedder, options.signal, async () => {});
    done = await this.deps.store.countVectors(id, collectionId);
    if (old && old.embedderId !== id) {
      const deletedVectors = await this.deps.store.deleteVectors(old.embedderId, collectionId);
      const { retiring: _retiring, ...latest } = await this.state(collectionId);
      await this.save(collectionId, {
        ...latest,
        retired: {
          profile: old.profile,
          embedderId: old.embedderId,
          at: new Date().toISOString(),
          deletedVectors,
        },
      });
    }
    options.onProgress?.(done, total);
    return this.state(collectionId);
  }

  private embedderOf(ref: GenerationRef | undefined): Embedder | undefined {
    if (!ref) return undefined;
    const embedder = this.embedder(ref.profile);
    return embedder.id === ref.embedderId ? embedder : undefined;
  }

  /** Embeds every chunk of the collection that has no vector from `embedder`. */
  private backfill(
    collectionId: string,
    embedder: Embedder,
    signal: AbortSignal | undefined,
    onBatch: (count: number) => Promise<void>,
  ): Promise<number> {
    return backfillVectors(this.deps.store, embedder, {
      batchSize: this.deps.batchSize ?? 256,
      collectionId,
      what: 'collection embedding build',
      onBatch,
      ...(signal ? { signal } : {}),
    });
  }

  private async save(collectionId: string, state: CollectionEmbeddingState): Promise<void> {
    await this.deps.store.setSetting(collectionEmbeddingKey(collectionId), JSON.stringify(state));
    this.cached = undefined;
  }
}
