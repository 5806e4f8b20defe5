import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Test helper: writes a real, tiny sentence-embedding model folder (BERT-style WordPiece tokenizer
 * plus a hand-encoded ONNX graph) so the transformers.js load path can run offline with no weights.
 *
 * The graph is a single `Gather` from an embedding initializer, so `last_hidden_state[b, t]` is
 * exactly row `input_ids[b, t]` of `embeddings`; tests can compute the expected pooled vector.
 */

/** Special tokens first, in this order, so their ids are 0..3. */
const specialTokens = ['[PAD]', '[UNK]', '[CLS]', '[SEP]'] as const;
const defaultWords = ['hello', 'world', 'lore', 'knowledge', 'assistant', 'query', 'passage', ':', '##s'];

/** What the builder wrote and what a test needs to predict the model's output. */
export interface TinyOnnxModel {
  /** The model folder (`<parent>/<name>`). */
  folder: string;
  /** Folder name, used as the model id. */
  name: string;
  /** Token → id, including the special tokens. */
  vocab: Map<string, number>;
  /** One row per token id; row `i` is the hidden state the graph emits for token `i`. */
  embeddings: Float32Array[];
  dimension: number;
  /** Deletes the temporary parent folder. */
  cleanup(): Promise<void>;
}

/** Options for {@link writeTinyOnnxModel}. */
export interface TinyOnnxModelOptions {
  /** Folder name; defaults to `tiny-bert`. */
  name?: string;
  /** Extra vocabulary words (lower case); defaults to a handful of English words. */
  words?: readonly string[];
  dimension?: number;
  /** Also declare a `token_type_ids` graph input (the pipeline then feeds it). */
  withTokenTypeIds?: boolean;
}

/**
 * Writes `config.json`, `tokenizer.json`, `tokenizer_config.json` and `onnx/model.onnx` to a new
 * temporary folder.
 *
 * @example
 * const model = await writeTinyOnnxModel({ dimension: 8 });
 * // ... new LocalOnnxEmbedder({ folder: model.folder }) ...
 * await model.cleanup();
 */
export async function writeTinyOnnxModel(options: TinyOnnxModelOptions = {}): Promise<TinyOnnxModel> {
  const name = options.name ?? 'tiny-bert';
  const dimension = options.dimension ?? 8;
  const tokens = [...specialTokens, ...(options.words ?? defaultWords)];
  const vocab = new Map(tokens.map((token, id) => [token, id]));
  const embeddings = tokens.map((_, id) => embeddingRow(id, dimension));

  const parent = await mkdtemp(join(tmpdir(), 'lore-tiny-onnx-'));
  const folder = join(parent, name);
  await mkdir(join(folder, 'onnx'), { recursive: true });
  const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;
  await writeFile(
    join(folder, 'config.json'),
    json({
      model_type: 'bert',
      architectures: ['BertModel'],
      hidden_size: dimension,
      vocab_size: tokens.length,
    }),
  );
  await writeFile(join(folder, 'tokenizer.json'), json(tokenizerJson(vocab)));
  await writeFile(
    join(folder, 'tokenizer_config.json'),
    json({
      tokenizer_class: 'BertTokenizer',
      do_lower_case: true,
      model_max_length: 512,
      pad_token: '[PAD]',
      unk_token: '[UNK]',
      cls_token: '[CLS]',
      sep_token: '[SEP]',
    }),
  );
  await writeFile(
    join(folder, 'onnx', 'model.onnx'),
    encodeGatherModel(embeddings, dimension, options.withTokenTypeIds ?? false),
  );
  return {
    folder,
    name,
    vocab,
    embeddings,
    dimension,
    cleanup: () => rm(parent, { recursive: true, force: true }),
  };
}

/** Deterministic, distinct, non-normalised row values (no randomness, so failures reproduce). */
function embeddingRow(id: number, dimension: number): Float32Array {
  const row = new Float32Array(dimension);
  for (let d = 0; d < dimension; d += 1) row[d] = Math.fround(Math.sin((id + 1) * (d + 2) * 0.7) + 0.1 * id);
  return row;
}

/** A Hugging Face `tokenizers` JSON for a lower-casing BERT WordPiece tokenizer. */
function tokenizerJson(vocab: Map<string, number>): unknown {
  const special = (content: string) => ({
    id: vocab.get(content),
    content,
    single_word: false,
    lstrip: false,
    rstrip: false,
    normalized: false,
    special: true,
  });
  const token = (id: string) => ({ id, ids: [vocab.get(id)], tokens: [id] });
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: specialTokens.map(special),
    normalizer: { type: 'Lowercase' },
    pre_tokenizer: { type: 'BertPreTokenizer' },
    post_processor: {
      type: 'TemplateProcessing',
      single: [
        { SpecialToken: { id: '[CLS]', type_id: 0 } },
        { Sequence: { id: 'A', type_id: 0 } },
        { SpecialToken: { id: '[SEP]', type_id: 0 } },
      ],
      pair: [
        { SpecialToken: { id: '[CLS]', type_id: 0 } },
        { Sequence: { id: 'A', type_id: 0 } },
        { SpecialToken: { id: '[SEP]', type_id: 0 } },
        { Sequence: { id: 'B', type_id: 1 } },
        { SpecialToken: { id: '[SEP]', type_id: 1 } },
      ],
      special_tokens: { '[CLS]': token('[CLS]'), '[SEP]': token('[SEP]') },
    },
    decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
    model: {
      type: 'WordPiece',
      unk_token: '[UNK]',
      continuing_subword_prefix: '##',
      max_input_chars_per_word: 100,
      vocab: Object.fromEntries(vocab),
    },
  };
}

// --- A minimal protobuf writer: just what an ONNX ModelProto needs. ---

type Field = Uint8Array;

function varint(value: number | bigint): number[] {
  let v = BigInt(value);
  const out: number[] = [];
  do {
    let byte = Number(v & 0x7fn);
    v >>= 7n;
    if (v > 0n) byte |= 0x80;
    out.push(byte);
  } while (v > 0n);
  return out;
}

/** Varint field (wire type 0). */
function int(fieldNumber: number, value: number | bigint): Field {
  return Uint8Array.from([...varint(fieldNumber << 3), ...varint(value)]);
}

/** Length-delimited field (wire type 2): bytes, a string or an embedded message. */
function bytes(fieldNumber: number, payload: Uint8Array | string): Field {
  const data = typeof payload === 'string' ? new TextEncoder().encode(payload) : payload;
  return Uint8Array.from([...varint((fieldNumber << 3) | 2), ...varint(data.length), ...data]);
}

function message(...fields: Field[]): Uint8Array {
  return Uint8Array.from(fields.flatMap((field) => [...field]));
}

const onnxFloat = 1;
const onnxInt64 = 7;

/** ValueInfoProto with a tensor type whose dimensions are symbolic names or fixed sizes. */
function valueInfo(name: string, elemType: number, dims: readonly (string | number)[]): Field {
  const shape = message(
    ...dims.map((dim) => bytes(1, typeof dim === 'string' ? bytes(2, dim) : int(1, dim))),
  );
  const tensorType = message(int(1, elemType), bytes(2, shape));
  return message(bytes(1, name), bytes(2, bytes(1, tensorType)));
}

/**
 * Encodes `last_hidden_state = Gather(embeddings, input_ids)` as an ONNX model (IR 8, opset 13).
 * `attention_mask` (and optionally `token_type_ids`) are declared inputs the graph ignores.
 */
export function encodeGatherModel(
  rows: readonly Float32Array[],
  dimension: number,
  withTokenTypeIds = false,
) {
  const raw = new Uint8Array(rows.length * dimension * 4);
  const view = new DataView(raw.buffer);
  rows.forEach((row, r) => {
    for (let d = 0; d < dimension; d += 1) view.setFloat32((r * dimension + d) * 4, row[d] ?? 0, true);
  });
  const initializer = message(
    int(1, rows.length),
    int(1, dimension),
    int(2, onnxFloat),
    bytes(8, 'embeddings'),
    bytes(9, raw),
  );
  const node = message(
    bytes(1, 'embeddings'),
    bytes(1, 'input_ids'),
    bytes(2, 'last_hidden_state'),
    bytes(4, 'Gather'),
  );
  const inputNames = ['input_ids', 'attention_mask', ...(withTokenTypeIds ? ['token_type_ids'] : [])];
  const graph = message(
    bytes(1, node),
    bytes(2, 'tiny_gather'),
    bytes(5, initializer),
    ...inputNames.map((name) => bytes(11, valueInfo(name, onnxInt64, ['batch', 'sequence']))),
    bytes(12, valueInfo('last_hidden_state', onnxFloat, ['batch', 'sequence', dimension])),
  );
  return message(
    int(1, 8),
    bytes(2, 'lore-tests'),
    bytes(7, graph),
    bytes(8, message(bytes(1, ''), int(2, 13))),
  );
}

/** What {@link writeTinyCrossEncoder} wrote: the folder and each token's relevance weight. */
export interface TinyCrossEncoder {
  folder: string;
  name: string;
  vocab: Map<string, number>;
  /** Weight per token id; special tokens weigh 0, so a pair's logit is the sum over its words. */
  weights: number[];
  cleanup(): Promise<void>;
}

/**
 * Writes a tiny cross-encoder (BERT-style sequence classification, one logit) whose graph is
 * `logits = ReduceSum(Gather(weights, input_ids), axis 1)`: the score of (query, passage) is the sum
 * of the weights of their tokens, so tests can predict every score exactly.
 *
 * @example
 * const model = await writeTinyCrossEncoder({ weights: { lore: 2, assistant: 1 } });
 */
export async function writeTinyCrossEncoder(
  options: { name?: string; weights?: Record<string, number> } = {},
): Promise<TinyCrossEncoder> {
  const name = options.name ?? 'tiny-cross-encoder';
  const wordWeights = options.weights ?? { lore: 2, knowledge: 1.5, assistant: 1, hello: 0.25, world: 0.1 };
  const words = [...new Set([...defaultWords, ...Object.keys(wordWeights)])];
  const tokens = [...specialTokens, ...words];
  const vocab = new Map(tokens.map((token, id) => [token, id]));
  const weights = tokens.map((token) => wordWeights[token] ?? 0);
  const parent = await mkdtemp(join(tmpdir(), 'lore-tiny-cross-encoder-'));
  const folder = join(parent, name);
  await mkdir(join(folder, 'onnx'), { recursive: true });
  const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;
  await writeFile(
    join(folder, 'config.json'),
    json({
      model_type: 'bert',
      architectures: ['BertForSequenceClassification'],
      hidden_size: 1,
      vocab_size: tokens.length,
      num_labels: 1,
      id2label: { 0: 'LABEL_0' },
      label2id: { LABEL_0: 0 },
    }),
  );
  await writeFile(join(folder, 'tokenizer.json'), json(tokenizerJson(vocab)));
  await writeFile(
    join(folder, 'tokenizer_config.json'),
    json({
      tokenizer_class: 'BertTokenizer',
      do_lower_case: true,
      model_max_length: 512,
      pad_token: '[PAD]',
      unk_token: '[UNK]',
      cls_token: '[CLS]',
      sep_token: '[SEP]',
    }),
  );
  await writeFile(join(folder, 'onnx', 'model.onnx'), encodeSummingClassifier(weights));
  return { folder, name, vocab, weights, cleanup: () => rm(parent, { recursive: true, force: true }) };
}

/** `logits[b, 0] = sum_t weights[input_ids[b, t]]` as an ONNX model (IR 8, opset 13). */
export function encodeSummingClassifier(weights: readonly number[]): Uint8Array {
  const raw = new Uint8Array(weights.length * 4);
  const view = new DataView(raw.buffer);
  for (const [index, weight] of weights.entries()) view.setFloat32(index * 4, weight, true);
  const weightTensor = message(
    int(1, weights.length),
    int(1, 1),
    int(2, onnxFloat),
    bytes(8, 'weights'),
    bytes(9, raw),
  );
  const axesRaw = new Uint8Array(8);
  new DataView(axesRaw.buffer).setBigInt64(0, 1n, true);
  const axesTensor = message(int(1, 1), int(2, onnxInt64), bytes(8, 'axes'), bytes(9, axesRaw));
  const gather = message(
    bytes(1, 'weights'),
    bytes(1, 'input_ids'),
    bytes(2, 'token_weights'),
    bytes(4, 'Gather'),
  );
  // AttributeProto: name (1), i (3), type (20) = INT (2).
  const keepdims = message(bytes(1, 'keepdims'), int(3, 0), int(20, 2));
  const reduce = message(
    bytes(1, 'token_weights'),
    bytes(1, 'axes'),
    bytes(2, 'logits'),
    bytes(4, 'ReduceSum'),
    bytes(5, keepdims),
  );
  const inputNames = ['input_ids', 'attention_mask', 'token_type_ids'];
  const graph = message(
    bytes(1, gather),
    bytes(1, reduce),
    bytes(2, 'tiny_cross_encoder'),
    bytes(5, weightTensor),
    bytes(5, axesTensor),
    ...inputNames.map((name) => bytes(11, valueInfo(name, onnxInt64, ['batch', 'sequence']))),
    bytes(12, valueInfo('logits', onnxFloat, ['batch', 1])),
  );
  return message(
    int(1, 8),
    bytes(2, 'lore-tests'),
    bytes(7, graph),
    bytes(8, message(bytes(1, ''), int(2, 13))),
  );
}
