/** Job kind for ingesting one uploaded file. */
export const ingestJobKind = 'ingest-file';

/** What an ingest job carries: the original is already in the blob store. */
export interface IngestJobPayload {
  blobKey: string;
  fileName: string;
  source: string;
  collection: string;
  /** The collection's id at upload time (older jobs carry only the name). */
  collectionId?: string;
  tags: string[];
  /** Re-index even when the content is unchanged. */
  force?: boolean;
  /** User who uploaded it (for access checks on the job). */
  requestedBy?: string;
}

/** Order key of the ingest jobs of one document (collection + source): they run in arrival order. */
export function ingestOrderKey(collectionId: string, source: string): string {
  return `ingest:${collectionId}:${source}`;
}
