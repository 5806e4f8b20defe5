/** First member of every backup archive: enough to refuse an archive before extracting it. */
export interface BackupHeader {
  format: 'lore-backup';
  formatVersion: 1;
  /** Database backend that wrote the snapshot (`sqlite`). */
  backend: string;
  schemaVersion: number;
  loreVersion: string;
  createdAt: string;
}

export interface BackupMember {
  name: string;
  size: number;
  sha256: string;
}

/** Last member of every backup archive: what it holds and the checksum of every other member. */
export interface BackupManifest extends BackupHeader {
  /** Row counts of the database snapshot, plus `blobs` (original files archived). */
  counts: Record<string, number>;
  members: BackupMember[];
  /** Originals the snapshot refers to that were gone when the archive was written (deleted meanwhile). */
  missingBlobs: string[];
  /** Originals whose bytes no longer match their sha256 key; left out of the archive. */
  corruptBlobs: string[];
}

export const headerName = 'lore-backup.json';
export const manifestName = 'manifest.json';
export const databasePrefix = 'database/';
export const blobsPrefix = 'blobs/';

/** Names a member may have; anything else (absolute paths, `..`) is refused on restore. */
export const memberPattern =
  /^(lore-backup\.json|manifest\.json|database\/[A-Za-z0-9][A-Za-z0-9._-]{0,80}|blobs\/[0-9a-f]{2}\/[0-9a-f]{64})$/;

/** Archive name of a blob. */
export function blobMemberName(key: string): string {
  return `${blobsPrefix}${key.slice(0, 2)}/${key}`;
}
