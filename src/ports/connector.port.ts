/**
 * A remote place documents are synced from (an S3 prefix, a Git repository; later Google Drive,
 * Confluence, Notion, SharePoint). A connector only lists and reads; the core sync service decides
 * what to add, re-index and remove, so every connector gets the same semantics as `lore sync`.
 */

/** Who may read an item at the remote, carried for later (per-item access is not enforced yet). */
export interface ItemPermission {
  kind: 'user' | 'group' | 'domain' | 'anyone';
  /** E-mail, group name or domain as the remote names it (absent for `anyone`). */
  id?: string;
  role: 'reader' | 'writer' | 'owner';
}

/** One document at the remote. */
export interface ConnectorItem {
  /** Stable identity inside the connector (object key, path in the repository, page id). */
  key: string;
  /**
   * Changes whenever the content changes (S3 ETag, Git blob sha, a revision id or a content hash);
   * an unchanged version means the bytes need not be read again.
   */
  version: string;
  /** Name shown to users; its extension picks the parser when the remote gives no type. */
  name: string;
  size?: number;
  /** ISO 8601 time of the last change, when the remote says. */
  modifiedAt?: string;
  /** The remote's type for exported formats (e.g. a Google Doc exported as DOCX), when known. */
  mediaType?: string;
  permissions?: ItemPermission[];
  /**
   * What the adapter wants back on the next run (opaque to the core, stored with the version; at
   * most 64 KB): the web connector keeps the page's ETag, Last-Modified and links here so that an
   * unchanged page is answered 304 and not downloaded again.
   */
  memo?: string;
}

/** What the last runs stored about an item: its version and the adapter's memo. */
export interface KnownItem {
  version: string;
  memo?: string;
}

/** One page of a listing; `cursor` is absent on the last page. */
export interface ConnectorPage {
  items: ConnectorItem[];
  cursor?: string;
}

/** What changed since a token (remotes with a change feed: Drive `changes`, Graph delta queries). */
export interface ConnectorChanges {
  changed: ConnectorItem[];
  /** Keys of items deleted (or no longer visible) since the token. */
  removed: string[];
  /** Token for the next call; `cursor` set means more changes are waiting now. */
  token: string;
  cursor?: string;
}

/** A remote source of documents, opened from one connector definition. */
export interface Connector {
  /** Kind of remote (`s3`, `git`, later `google-drive`, `confluence`, `notion`, `sharepoint`). */
  readonly kind: string;
  /**
   * Prefix of the document sources this connector owns (`s3://bucket/prefix/`,
   * `git:<url>#<branch>:<path>/`); the source of an item is the prefix followed by its key.
   */
  readonly sourcePrefix: string;
  /**
   * Told before listing what the last runs stored for each key (versions and memos), so a remote
   * with validators (HTTP ETag/Last-Modified) can ask for changed items only; optional.
   */
  recall?(known: ReadonlyMap<string, KnownItem>): void;
  /** Makes the remote ready to list (a Git clone or fetch); optional. */
  open?(signal?: AbortSignal): Promise<void>;
  /**
   * One page of the full listing, starting after `cursor` (from the previous page). Stops with
   * LoreError `cancelled` when `signal` is aborted (at the latest between two items it fetches).
   */
  list(cursor?: string, signal?: AbortSignal): Promise<ConnectorPage>;
  /** The bytes of one listed item. */
  read(item: ConnectorItem, signal?: AbortSignal): Promise<Uint8Array>;
  /**
   * Incremental sync, for remotes that keep a change feed: with no token, returns the token that
   * marks "now". Connectors without a feed leave it out and are listed in full every run.
   */
  changesSince?(token: string | undefined, cursor?: string, signal?: AbortSignal): Promise<ConnectorChanges>;
  /** Releases connections. */
  close?(): Promise<void>;
}
