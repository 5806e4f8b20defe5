/** Keeps original files. Keys are content addresses chosen by the store. */
export interface BlobStore {
  /** Stores bytes and returns their key (the sha256 of the content). Idempotent. */
  put(bytes: Uint8Array): Promise<string>;
  get(key: string): Promise<Uint8Array>;
  has(key: string): Promise<boolean>;
  delete(key: string): Promise<void>;
  /** Every key held, for garbage collection and backups. */
  keys(): AsyncIterable<string>;
}
