import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LoreError } from '../../../core/errors.js';
import { findMissingModelFiles, LocalOnnxEmbedder } from './local-onnx.embedder.js';
import { type TinyOnnxModel, writeTinyOnnxModel } from './testing/tiny-onnx-model.js';

// Count real pipeline loads while keeping the real implementation.
vi.mock('@huggingface/transformers', async (importOriginal) => {
  const actual = await importOriginal<typeof import('@huggingface/transformers')>();
  return { ...actual, pipeline: vi.fn(actual.pipeline) };
});
const { pipeline } = await import('@huggingface/transformers');

const models: TinyOnnxModel[] = [];
beforeEach(() => {
  // Proves the load path is offline: any download attempt by transformers.js would fail the test.
  vi.stubGlobal('fetch', () => Promise.reject(new Error('network access in a local-model test')));
});
afterEach(async () => {
  vi.unstubAllGlobals();
  vi.mocked(pipeline).mockClear();
  await Promise.all(models.splice(0).map((model) => model.cleanup()));
});

async function tinyModel(options: Parameters<typeof writeTinyOnnxModel>[0] = {}): Promise<TinyOnnxModel> {
  const model = await writeTinyOnnxModel(options);
  models.push(model);
  return model;
}

/** What the model must output: the L2-normalised mean of the initializer rows of the token ids. */
function expectedVector(model: TinyOnnxModel, tokens: readonly string[]): number[] {
  const mean = new Array<number>(model.dimension).fill(0);
  for (const token of ['[CLS]', ...tokens, '[SEP]']) {
    const id = model.vocab.get(token);
    if (id === undefined) throw new Error(`token ${token} is not in the tiny vocabulary`);
    model.embeddings[id]?.forEach((value, d) => {
      mean[d] = (mean[d] ?? 0) + value / (tokens.length + 2);
    });
  }
  const norm = Math.hypot(...mean);
  return mean.map((value) => value / norm);
}

function expectClose(actual: Float32Array | undefined, expected: number[]): void {
  expect(actual).toBeInstanceOf(Float32Array);
  expect(actual?.length).toBe(expected.length);
  expected.forEach((value, d) => {
    expect(actual?.[d]).toBeCloseTo(value, 5);
  });
}

async function failure(promise: Promise<unknown>): Promise<LoreError> {
  const error = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(LoreError.is(error)).toBe(true);
  return error as LoreError;
}

describe('LocalOnnxEmbedder', () => {
  it('runs the real tokenizer and ONNX graph: mean of the token rows, L2-normalised', async () => {
    const model = await tinyModel({ dimension: 8 });
    const embedder = new LocalOnnxEmbedder({ folder: model.folder });

    // Different lengths, so the shorter one is padded and the mask must exclude its [PAD] rows;
    // "Assistants" checks lower-casing and WordPiece continuation ("assistant" + "##s").
    const [hello, assistants] = await embedder.embed(['Hello world', 'Lore Assistants'], 'document');

    expect(embedder.id).toBe('local-onnx:tiny-bert');
    expect(await embedder.dimension()).toBe(8);
    expectClose(hello, expectedVector(model, ['hello', 'world']));
    expectClose(assistants, expectedVector(model, ['lore', 'assistant', '##s']));
    for (const vector of [hello, assistants]) expect(Math.hypot(...(vector ?? []))).toBeCloseTo(1, 5);
  });

  it('gives identical vectors for identical texts and different ones for different texts', async () => {
    const model = await tinyModel();
    const embedder = new LocalOnnxEmbedder({ folder: model.folder, maxBatchSize: 2 });

    const [a, b, c] = await embedder.embed(['knowledge passage', 'knowledge passage', 'hello'], 'document');

    expect(Array.from(a ?? [])).toEqual(Array.from(b ?? []));
    expect(Array.from(a ?? [])).not.toEqual(Array.from(c ?? []));
  });

  it('prepends the query and document prefixes (e5 style)', async () => {
    const model = await tinyModel();
    const embedder = new LocalOnnxEmbedder({
      folder: model.folder,
      queryPrefix: 'query: ',
      documentPrefix: 'passage: ',
    });

    const [query] = await embedder.embed(['lore'], 'query');
    const [document] = await embedder.embed(['lore'], 'document');

    expectClose(query, expectedVector(model, ['query', ':', 'lore']));
    expectClose(document, expectedVector(model, ['passage', ':', 'lore']));
  });

  it('loads the model once, even for concurrent first calls', async () => {
    const model = await tinyModel();
    const embedder = new LocalOnnxEmbedder({ folder: model.folder });

    const results = await Promise.all([
      embedder.embed(['hello'], 'document'),
      embedder.embed(['world'], 'query'),
      embedder.dimension(),
    ]);

    expect(results[2]).toBe(8);
    expect(vi.mocked(pipeline)).toHaveBeenCalledTimes(1);
  });

  it('feeds token_type_ids to graphs that declare it', async () => {
    const model = await tinyModel({ withTokenTypeIds: true });
    const [vector] = await new LocalOnnxEmbedder({ folder: model.folder }).embed(['hello'], 'document');
    expectClose(vector, expectedVector(model, ['hello']));
  });

  it('loads folders whose names are not hub-style ids (e.g. a Hugging Face cache folder)', async () => {
    const model = await tinyModel({ name: 'models--lore--tiny-bert' });
    const embedder = new LocalOnnxEmbedder({ folder: model.folder });

    const [vector] = await embedder.embed(['world'], 'document');

    expect(embedder.id).toBe('local-onnx:models--lore--tiny-bert');
    expectClose(vector, expectedVector(model, ['world']));
  });

  it('lists every required file when the folder does not exist', async () => {
    const embedder = new LocalOnnxEmbedder({ folder: '/nonexistent/lore-model' });

    const error = await failure(embedder.embed(['hello'], 'document'));

    expect(error.code).toBe('invalid_config');
    expect(error.message).toContain(
      'is missing config.json, tokenizer.json, tokenizer_config.json, onnx/model.onnx.',
    );
    expect(error.details.missing).toEqual([
      'config.json',
      'tokenizer.json',
      'tokenizer_config.json',
      'onnx/model.onnx',
    ]);
    expect(vi.mocked(pipeline)).not.toHaveBeenCalled();
  });

  it('lists exactly the missing files of an incomplete folder, and loads once they are back', async () => {
    const model = await tinyModel();
    await rm(join(model.folder, 'tokenizer.json'));
    await rm(join(model.folder, 'onnx', 'model.onnx'));
    const embedder = new LocalOnnxEmbedder({ folder: model.folder });

    const error = await failure(embedder.embed(['hello'], 'document'));

    expect(error.code).toBe('invalid_config');
    expect(error.message).toContain(`${model.folder} is missing tokenizer.json, onnx/model.onnx.`);
    expect(error.details.missing).toEqual(['tokenizer.json', 'onnx/model.onnx']);
    expect(await findMissingModelFiles(model.folder)).toEqual(['tokenizer.json', 'onnx/model.onnx']);

    const complete = await tinyModel();
    await rm(model.folder, { recursive: true });
    await import('node:fs/promises').then(({ cp }) => cp(complete.folder, model.folder, { recursive: true }));
    expect(await embedder.embed(['hello'], 'document')).toHaveLength(1);
  });

  it('reports an unreadable ONNX file as invalid_config', async () => {
    const model = await tinyModel();
    await writeFile(join(model.folder, 'onnx', 'model.onnx'), 'not a protobuf');

    const error = await failure(new LocalOnnxEmbedder({ folder: model.folder }).embed(['hello'], 'document'));

    expect(error.code).toBe('invalid_config');
    expect(error.message).toContain('could not be loaded');
  });

  it('stops between batches when cancelled', async () => {
    const model = await tinyModel();
    const controller = new AbortController();
    controller.abort();

    const error = await failure(
      new LocalOnnxEmbedder({ folder: model.folder }).embed(['hello'], 'document', controller.signal),
    );
    expect(error.code).toBe('cancelled');
  });
});
