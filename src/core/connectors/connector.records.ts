/** Settings of an S3 connector: no secrets (credentials come from the AWS default chain). */
export interface S3ConnectorSettings {
  bucket: string;
  /** Folder inside the bucket ('' for the whole bucket). */
  prefix: string;
  /** Region of the bucket; default LORE_S3_REGION. */
  region?: string;
  /** An S3-compatible endpoint (MinIO, Ceph); default LORE_S3_ENDPOINT, else AWS. */
  endpoint?: string;
}

/** Settings of a Git connector: a clone URL (no credentials in it) or a local repository path. */
export interface GitConnectorSettings {
  url: string;
  /** Branch (or tag) to index; default the remote's default branch. */
  branch?: string;
  /** Only files under this folder of the repository. */
  path?: string;
}

/**
 * Settings of a web connector: a start URL crawled on every run. Pages are followed breadth-first up
 * to `depth` links away and `maxPages` pages (capped by LORE_WEB_MAX_CRAWL_PAGES), within the start
 * URL's folder on its host (the documents' source prefix); the SSRF policy and its allow-list
 * (LORE_WEB_ALLOW_HOSTS) apply to every request.
 */
export interface WebConnectorSettings {
  url: string;
  /** Links followed from the start page; 0 is the page alone. */
  depth: number;
  maxPages: number;
}

export type ConnectorDefinitionSettings =
  | { kind: 's3'; s3: S3ConnectorSettings }
  | { kind: 'git'; git: GitConnectorSettings }
  | { kind: 'web'; web: WebConnectorSettings };

export type ConnectorKind = ConnectorDefinitionSettings['kind'];

/** A stored connector definition (the `connectors` table). */
export type ConnectorDefinition = ConnectorDefinitionSettings & {
  id: string;
  /** Unique name. */
  name: string;
  collectionId: string;
  /** Minutes between scheduled runs; 0 runs only when asked. */
  intervalMinutes: number;
  createdBy?: string;
  createdAt: string;
};

/** `cancelled`: stopped on request (`POST …/runs/current/cancel`); nothing was removed. */
export type ConnectorRunState = 'running' | 'done' | 'failed' | 'cancelled';

/** Counts of one run, updated as it goes. */
export interface ConnectorRunCounts {
  seen: number;
  added: number;
  updated: number;
  unchanged: number;
  removed: number;
  failed: number;
}

/** One item that failed in a run (the run goes on). */
export interface ConnectorItemFailure {
  key: string;
  code: string;
  message: string;
}

/** One run of a connector (the `connector_runs` table). */
export interface ConnectorRun extends ConnectorRunCounts {
  id: string;
  connectorId: string;
  state: ConnectorRunState;
  /** `schedule`, `cli`, `api`. */
  trigger: string;
  startedAt: string;
  finishedAt?: string;
  /** The first failed items (at most 50). */
  failures: ConnectorItemFailure[];
  /** Why the whole run failed (listing failed, remote unreachable); nothing was removed then. */
  error?: string;
  /** When a cancel was asked for (the running process stops at the next page or file). */
  cancelRequestedAt?: string;
}
