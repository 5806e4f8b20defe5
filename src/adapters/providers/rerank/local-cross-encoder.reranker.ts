import { basename, resolve } from 'node:path';
import type { PreTrainedModel, PreTrainedTokenizer, Tensor } from '@huggingface/transformers';
import { LoreError } from '../../../core/errors.js';
import type { Reranker } from '../../../ports/reranker.port.js';
import { findMissingModelFiles, loadLocalModel, requiredModelFiles } from '../embed/local-onnx.embedder.js';

/** Options for {@link LocalCrossEncoderReranker}. */
export interface LocalCrossEncoderRerankerOptions {
  /** A cross-encoder folder (e.g. an ONNX export of cross-encoder/ms-marco-MiniLM-L-6-v2); nothing is downloaded. */
  folder: string;
  /** (query, passage) pairs per inference run; default 16. */
  maxBatchSize?: number;
}

interface Loaded {
  tokenizer: PreTrainedTokenizer;
  model: PreTrainedModel;
}

/**
 * A Reranker running a sequence-classification cross-encoder from a local folder with
 * transformers.js: each (query, passage) pair is scored jointly. One-logit models (MS MARCO
 * cross-encoders) score with the raw logit; multi-label models with the last label's probability.
 *
 * @example
 * const reranker = new LocalCrossEncoderReranker({ folder: '/models/ms-marco-MiniLM-L-6-v2' });
 * const scores = await reranker.rerank('parental leave', passages);
 */
export class LocalCrossEncoderReranker implements Reranker {
  readonly id: string;
  private readonly folder: string;
  private loading: Promise<Loaded> | undefined;

  constructor(private readonly options: LocalCrossEncoderRerankerOptions) {
    if (options.folder.trim() === '') {
      throw new LoreError('invalid_config', 'The reranker model folder is empty (LORE_RERANK_MODEL_PATH).');
    }
    this.folder = resolve(options.folder);
    this.id = `local-onnx:${basename(this.folder)}`;
  }

  async rerank(query: string, passages: readonly string[], signal?: AbortSignal): Promise<number[]> {
    throwIfCancelled(signal);
    if (passages.length === 0) return [];
    const { tokenizer, model } = await this.load();
    const size = this.options.maxBatchSize ?? 16;
    const scores: number[] = [];
    for (let start = 0; start < passages.length; start += size) {
      throwIfCancelled(signal);
      const batch = passages.slice(start, start + size);
      try {
        const inputs = tokenizer(new Array<string>(batch.length).fill(query), {
          text_pair: batch,
          padding: true,
          truncation: true,
        });
        const { logits } = (await model(inputs)) as { logits: Tensor };
        scores.push(...toScores(logits, batch.length));
      } catch (error) {
        throw new LoreError(
          'provider_error',
          `The local reranker ${this.id} failed: ${(error as Error).message}`,
          {
            cause: error,
          },
        );
      }
    }
    return scores;
  }

  /** Loads tokenizer and model once (for `lore models --load` too). */
  load(): Promise<Loaded> {
    this.loading ??= this.loadOnce().catch((error: unknown) => {
      this.loading = undefined;
      throw error;
    });
    return this.loading;
  }

  private async loadOnce(): Promise<Loaded> {
    const missing = await findMissingModelFiles(this.folder);
    if (missing.length > 0) {
      throw new LoreError(
        'invalid_config',
        `The reranker model folder ${this.folder} is missing ${missing.join(', ')}. A cross-encoder folder needs ` +
          `${requiredModelFiles.join(', ')} (an ONNX export of a sequence-classification model).`,
        { details: { folder: this.folder, missing } },
      );
    }
    try {
      return await loadLocalModel(this.folder, async (modelId, transformers) => {
        const settings = { local_files_only: true } as const;
        const tokenizer = await transformers.AutoTokenizer.from_pretrained(modelId, settings);
        const model = await transformers.AutoModelForSequenceClassification.from_pretrained(modelId, {
          ...settings,
          dtype: 'fp32',
          device: 'cpu',
        });
        return { tokenizer, model };
      });
    } catch (error) {
      throw new LoreError(
        'invalid_config',
        `The reranker model in ${this.folder} could not be loaded: ${(error as Error).message}`,
        { cause: error, details: { folder: this.folder } },
      );
    }
  }
}

function toScores(logits: Tensor, rows: number): number[] {
  const labels = logits.dims.at(-1) ?? 1;
  const data = logits.data as Float32Array;
  if (logits.dims[0] !== rows) throw new Error(`logits of shape [${logits.dims}] for ${rows} pairs`);
  return Array.from({ length: rows }, (_, row) => {
    if (labels === 1) return data[row] ?? 0;
    const values = Array.from(data.subarray(row * labels, (row + 1) * labels));
    const max = Math.max(...values);
    const exps = values.map((value) => Math.exp(value - max));
    return (exps.at(-1) ?? 0) / exps.reduce((sum, value) => sum + value, 0);
  });
}

function throwIfCancelled(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new LoreError('cancelled', 'The rerank request was cancelled.');
}
