import { seededRandom } from './corpus.js';

/** How a synthetic embedding set is drawn (see `makeDenseData`). */
export interface DenseDataSpec {
  count: number;
  dimension: number;
  /** Mixture components ("topics"). */
  clusters: number;
  /** Directions of within-topic variation per topic. */
  rank: number;
  /** Share of a point's squared norm (before normalising) that is within-topic variation. */
  topicSpread: number;
  /** Share that is isotropic noise. */
  noise: number;
  /** Weight of one direction shared by all points (embeddings are not centred: random pairs have cosine > 0). */
  shared: number;
  queries: number;
  /** Extra points for the incremental-add measurement (added in two equal batches). */
  extra: number;
  seed: number;
}

/** Row-major matrices of unit vectors: `count × dimension` corpus, queries and extra points. */
export interface DenseData {
  spec: DenseDataSpec;
  name: string;
  vectors: Float32Array;
  queries: Float32Array;
  extra: Float32Array;
  /** Topic of each corpus vector (drives the filter benchmark). */
  topics: Uint16Array;
}

export const defaultDenseSpec: Omit<DenseDataSpec, 'count' | 'dimension'> = {
  clusters: 200,
  rank: 16,
  topicSpread: 0.45,
  noise: 0.35,
  shared: 0.45,
  queries: 200,
  extra: 2000,
  seed: 7,
};

/** Standard normal deviates from a seeded uniform source (Box–Muller, both outputs used). */
function normalSource(random: () => number): () => number {
  let spare: number | undefined;
  return () => {
    if (spare !== undefined) {
      const value = spare;
      spare = undefined;
      return value;
    }
    const u = 1 - random();
    const v = random();
    const radius = Math.sqrt(-2 * Math.log(u));
    spare = radius * Math.sin(2 * Math.PI * v);
    return radius * Math.cos(2 * Math.PI * v);
  };
}

function unitGaussian(dimension: number, normal: () => number): Float32Array {
  const out = new Float32Array(dimension);
  let norm = 0;
  for (let i = 0; i < dimension; i++) {
    out[i] = normal();
    norm += out[i]! * out[i]!;
  }
  const scale = 1 / Math.sqrt(norm);
  for (let i = 0; i < dimension; i++) out[i]! *= scale;
  return out;
}

interface Mixture {
  centres: Float32Array[];
  /** `rank` unit directions per topic, flattened. */
  bases: Float32Array[];
  /** Cumulative topic probabilities (log-normal weights, so topics differ in size). */
  cumulative: Float64Array;
  shared: Float32Array;
}

function makeMixture(spec: DenseDataSpec, normal: () => number): Mixture {
  const { clusters, rank, dimension } = spec;
  const shared = unitGaussian(dimension, normal);
  const centres: Float32Array[] = [];
  const bases: Float32Array[] = [];
  const weights = new Float64Array(clusters);
  let total = 0;
  for (let c = 0; c < clusters; c++) {
    centres.push(unitGaussian(dimension, normal));
    const basis = new Float32Array(rank * dimension);
    for (let r = 0; r < rank; r++) basis.set(unitGaussian(dimension, normal), r * dimension);
    bases.push(basis);
    weights[c] = Math.exp(0.6 * normal());
    total += weights[c]!;
  }
  const cumulative = new Float64Array(clusters);
  let running = 0;
  for (let c = 0; c < clusters; c++) {
    running += weights[c]! / total;
    cumulative[c] = running;
  }
  return { centres, bases, cumulative, shared };
}

function pickTopic(cumulative: Float64Array, u: number): number {
  let lo = 0;
  let hi = cumulative.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (cumulative[mid]! < u) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Writes `rows` points into `out`: shared·s + centre + Σ z_r·b_r + ε, then normalised, with
 * z_r ~ N(0, topicSpread/rank) along the topic's `rank` directions and ε isotropic with total
 * variance `noise`. The centre carries unit weight.
 */
function drawPoints(
  mixture: Mixture,
  spec: DenseDataSpec,
  rows: number,
  random: () => number,
  out: Float32Array,
  topics?: Uint16Array,
): void {
  const { dimension, rank } = spec;
  const normal = normalSource(random);
  const spread = Math.sqrt(spec.topicSpread / rank);
  const sigma = Math.sqrt(spec.noise / dimension);
  const point = new Float64Array(dimension);
  for (let row = 0; row < rows; row++) {
    const topic = pickTopic(mixture.cumulative, random());
    if (topics) topics[row] = topic;
    const centre = mixture.centres[topic]!;
    const basis = mixture.bases[topic]!;
    for (let i = 0; i < dimension; i++)
      point[i] = spec.shared * mixture.shared[i]! + centre[i]! + sigma * normal();
    for (let r = 0; r < rank; r++) {
      const z = spread * normal();
      const offset = r * dimension;
      for (let i = 0; i < dimension; i++) point[i]! += z * basis[offset + i]!;
    }
    let norm = 0;
    for (let i = 0; i < dimension; i++) norm += point[i]! * point[i]!;
    const scale = 1 / Math.sqrt(norm);
    const base = row * dimension;
    for (let i = 0; i < dimension; i++) out[base + i] = point[i]! * scale;
  }
}

/** A seeded Gaussian mixture of unit vectors; the same spec gives the same data on every run. */
export function makeDenseData(spec: DenseDataSpec): DenseData {
  const mixture = makeMixture(spec, normalSource(seededRandom(spec.seed)));
  const { count, dimension } = spec;
  const vectors = new Float32Array(count * dimension);
  const topics = new Uint16Array(count);
  drawPoints(mixture, spec, count, seededRandom(spec.seed + 1), vectors, topics);
  const queries = new Float32Array(spec.queries * dimension);
  drawPoints(mixture, spec, spec.queries, seededRandom(spec.seed + 2), queries);
  const extra = new Float32Array(spec.extra * dimension);
  drawPoints(mixture, spec, spec.extra, seededRandom(spec.seed + 3), extra);
  return { spec, name: `${Math.round(count / 1000)}k × ${dimension}`, vectors, queries, extra, topics };
}

/** Row `row` of a row-major matrix (a view, no copy). */
export function rowOf(matrix: Float32Array, dimension: number, row: number): Float32Array {
  return matrix.subarray(row * dimension, (row + 1) * dimension);
}

/** `count×dimension` spec strings such as `100000x384`. */
export function parseDenseSets(text: string): { count: number; dimension: number }[] {
  return text.split(',').map((item) => {
    const match = /^(\d+)x(\d+)$/.exec(item.trim());
    if (!match) throw new Error(`dense set "${item}" is not COUNTxDIMENSION`);
    return { count: Number(match[1]), dimension: Number(match[2]) };
  });
}
