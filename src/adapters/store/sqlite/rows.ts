export { type ChunkRow, chunkColumns, toChunkRecord } from '../chunk-row.js';
export {
  type CollectionRow,
  collectionColumns,
  type DocumentRow,
  toCollection,
  toDocumentRecord,
} from '../document-row.js';

/** Float32Array ↔ BLOB without copying more than once. */
export function vectorToBlob(vector: Float32Array): Buffer {
  return Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength);
}

export function blobToVector(blob: Buffer): Float32Array {
  const copy = new Uint8Array(blob.byteLength);
  copy.set(blob);
  return new Float32Array(copy.buffer);
}
