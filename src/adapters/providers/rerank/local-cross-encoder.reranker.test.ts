import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TinyCrossEncoder, writeTinyCrossEncoder } from '../embed/testing/tiny-onnx-model.js';
import { LocalCrossEncoderReranker } from './local-cross-encoder.reranker.js';

let model: TinyCrossEncoder;
beforeAll(async () => {
  model = await writeTinyCrossEncoder({ weights: { lore: 2, knowledge: 1.5, assistant: 1, hello: 0.25 } });
});
afterAll(() => model.cleanup());

describe('LocalCrossEncoderReranker', () => {
  it('scores (query, passage) pairs through the real transformers.js load path', async () => {
    const reranker = new LocalCrossEncoderReranker({ folder: model.folder, maxBatchSize: 2 });
    const scores = await reranker.rerank('lore', [
      'hello world',
      'knowledge assistant',
      'lore lore',
      'unknown words',
    ]);
    // Each score is the query's weight (lore = 2) plus the passage's words; padding and [CLS]/[SEP] weigh 0.
    expect(scores.map((score) => Number(score.toFixed(5)))).toEqual([2.25, 4.5, 6, 2]);
    expect(reranker.id).toBe('local-onnx:tiny-cross-encoder');
    expect(await reranker.rerank('lore', [])).toEqual([]);
  });

  it('names the missing files of an incomplete folder', async () => {
    const reranker = new LocalCrossEncoderReranker({ folder: join(model.folder, 'nope') });
    await expect(reranker.rerank('q', ['p'])).rejects.toMatchObject({
      code: 'invalid_config',
      message: expect.stringContaining(
        'is missing config.json, tokenizer.json, tokenizer_config.json, onnx/model.onnx',
      ),
    });
  });

  it('reports a corrupt ONNX file as invalid_config', async () => {
    const broken = await writeTinyCrossEncoder({ name: 'broken-cross-encoder' });
    await writeFile(join(broken.folder, 'onnx', 'model.onnx'), 'not a model');
    try {
      const reranker = new LocalCrossEncoderReranker({ folder: broken.folder });
      await expect(reranker.rerank('q', ['p'])).rejects.toMatchObject({ code: 'invalid_config' });
    } finally {
      await broken.cleanup();
    }
  });

  it('honours an aborted signal', async () => {
    const reranker = new LocalCrossEncoderReranker({ folder: model.folder });
    const controller = new AbortController();
    controller.abort();
    await expect(reranker.rerank('q', ['p'], controller.signal)).rejects.toMatchObject({ code: 'cancelled' });
  });
});
