import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/** One answered question, for token and latency metrics. */
export interface AnswerObservation {
  /** `anonymous` when there is no signed-in principal. */
  userId?: string;
  model: string;
  inputTokens?: number;
  outputTokens?: number;
  /** Wall time of the model call. */
  ms: number;
  costUsd?: number;
  outcome?: 'ok' | 'error';
}

export interface MetricsOptions {
  /** Process metrics (CPU, memory, event-loop lag, GC) from prom-client; on by default. */
  processMetrics?: boolean;
  /** Job counts by state, read on every scrape. */
  queueCounts?: () => Promise<Record<string, number>>;
  /** Constant labels of `lore_info`. */
  info?: Record<string, string>;
}

const httpBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
const retrievalBuckets = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];
const llmBuckets = [0.25, 0.5, 1, 2, 5, 10, 20, 30, 60, 120];

/**
 * Lore's Prometheus metrics over one registry owned by this object (no global state, so tests and
 * several apps in one process each have their own). The rest of the code calls the `observe*` and
 * `count*` functions; `/metrics` serves `render()`.
 *
 * @example
 * const metrics = new LoreMetrics({ queueCounts: () => app.queue.counts() });
 * metrics.observeSearch(result.timings);
 * const text = await metrics.render();
 */
export class LoreMetrics {
  readonly registry = new Registry();
  readonly contentType = this.registry.contentType;
  private readonly httpDuration: Histogram<'method' | 'route' | 'status'>;
  private readonly retrievalDuration: Histogram<'stage'>;
  private readonly llmDuration: Histogram<'user' | 'model' | 'outcome'>;
  private readonly llmTokens: Counter<'user' | 'model' | 'direction'>;
  private readonly llmCost: Counter<'user' | 'model'>;
  private readonly ingestDocuments: Counter<'outcome'>;
  private readonly ingestChunks: Counter;
  private readonly errors: Counter<'code' | 'source'>;
  private readonly scheduledTasks: Histogram<'task' | 'outcome'>;

  constructor(options: MetricsOptions = {}) {
    const registers = [this.registry];
    if (options.processMetrics ?? true) collectDefaultMetrics({ register: this.registry, prefix: 'lore_' });
    if (options.info) {
      const info = new Gauge({
        name: 'lore_info',
        help: 'Lore version and roles of this process (always 1)',
        labelNames: Object.keys(options.info),
        registers,
      });
      info.set(options.info, 1);
    }
    this.httpDuration = new Histogram({
      name: 'lore_http_request_duration_seconds',
      help: 'HTTP request latency by route pattern and status',
      labelNames: ['method', 'route', 'status'],
      buckets: httpBuckets,
      registers,
    });
    this.retrievalDuration = new Histogram({
      name: 'lore_retrieval_duration_seconds',
      help: 'Retrieval latency by stage (lexical, dense, total)',
      labelNames: ['stage'],
      buckets: retrievalBuckets,
      registers,
    });
    this.llmDuration = new Histogram({
      name: 'lore_llm_request_duration_seconds',
      help: 'Language model call latency by user and model',
      labelNames: ['user', 'model', 'outcome'],
      buckets: llmBuckets,
      registers,
    });
    this.llmTokens = new Counter({
      name: 'lore_llm_tokens_total',
      help: 'Language model tokens by user, model and direction (input, output)',
      labelNames: ['user', 'model', 'direction'],
      registers,
    });
    this.llmCost = new Counter({
      name: 'lore_llm_cost_usd_total',
      help: 'Estimated language model cost in US dollars by user and model',
      labelNames: ['user', 'model'],
      registers,
    });
    this.ingestDocuments = new Counter({
      name: 'lore_ingest_documents_total',
      help: 'Documents through ingestion by outcome (added, updated, unchanged, failed)',
      labelNames: ['outcome'],
      registers,
    });
    this.ingestChunks = new Counter({
      name: 'lore_ingest_chunks_total',
      help: 'Chunks written by ingestion',
      registers,
    });
    this.errors = new Counter({
      name: 'lore_errors_total',
      help: 'Errors by LoreError code and where they surfaced (http, ingest, answer, scheduler)',
      labelNames: ['code', 'source'],
      registers,
    });
    this.scheduledTasks = new Histogram({
      name: 'lore_scheduled_task_duration_seconds',
      help: 'Scheduled task runs by task and outcome',
      labelNames: ['task', 'outcome'],
      buckets: [0.01, 0.1, 1, 10, 60],
      registers,
    });
    const queueCounts = options.queueCounts;
    if (queueCounts) {
      new Gauge({
        name: 'lore_queue_jobs',
        help: 'Jobs in the durable queue by state (read at scrape time)',
        labelNames: ['state'],
        registers,
        async collect() {
          const counts = await queueCounts();
          for (const [state, count] of Object.entries(counts)) this.set({ state }, count);
        },
      });
    }
  }

  /** One HTTP request; `route` is the route pattern (`/api/v1/documents/:id`), never the raw path. */
  observeRequest(request: { method: string; route: string; status: number; ms: number }): void {
    this.httpDuration.observe(
      { method: request.method, route: request.route, status: String(request.status) },
      request.ms / 1000,
    );
  }

  /** Timings of one retrieval (a search request or the retrieval step of an answer). */
  observeSearch(timings: { lexicalMs: number; denseMs: number; totalMs: number }): void {
    if (timings.lexicalMs > 0) this.retrievalDuration.observe({ stage: 'lexical' }, timings.lexicalMs / 1000);
    if (timings.denseMs > 0) this.retrievalDuration.observe({ stage: 'dense' }, timings.denseMs / 1000);
    this.retrievalDuration.observe({ stage: 'total' }, timings.totalMs / 1000);
  }

  /** One language model call: latency, tokens and cost by user and model. */
  observeAnswer(answer: AnswerObservation): void {
    const user = answer.userId ?? 'anonymous';
    const labels = { user, model: answer.model };
    this.llmDuration.observe({ ...labels, outcome: answer.outcome ?? 'ok' }, answer.ms / 1000);
    if (answer.inputTokens) this.llmTokens.inc({ ...labels, direction: 'input' }, answer.inputTokens);
    if (answer.outputTokens) this.llmTokens.inc({ ...labels, direction: 'output' }, answer.outputTokens);
    if (answer.costUsd) this.llmCost.inc(labels, answer.costUsd);
  }

  /** One document through ingestion and the chunks it wrote. */
  countIngest(outcome: string, chunks = 0): void {
    this.ingestDocuments.inc({ outcome });
    if (chunks > 0) this.ingestChunks.inc(chunks);
  }

  /** One error, by LoreError code and where it surfaced. */
  countError(code: string, source: 'http' | 'ingest' | 'answer' | 'scheduler' | 'provider'): void {
    this.errors.inc({ code, source });
  }

  /** One scheduled task run. */
  observeScheduledTask(task: string, outcome: 'ok' | 'error', ms: number): void {
    this.scheduledTasks.observe({ task, outcome }, ms / 1000);
  }

  /** The Prometheus text exposition of every metric. */
  render(): Promise<string> {
    return this.registry.metrics();
  }
}
