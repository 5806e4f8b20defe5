/** Keeps original files. Keys are content addresses chosen by the store. */
export interface BlobStore {
  /** Stores bytes and returns their key (the sha256 of the content). Idempotent. */
  put(bytes: Uint8Array): Promise<string>;
  /**
   * Stores a complete file already staged on local disk whose sha256 (hex) the caller computed while
   * writing it; the store may move the file away (the caller removes whatever is left). Returns the key.
   */
  putFile(path: string, sha256: string): Promise<string>;
  get(key: string): Promise<Uint8Array>;
  has(key: string): Promise<boolean>;
  delete(key: string): Promise<void>;
  /** Every key held, for garbage collection and backups. */
  keys(): AsyncIterable<string>;
}
