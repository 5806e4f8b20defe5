/** One schema change. Versions only grow; a released migration is never edited. */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** The embedded schema, in order. */
export const migrations: readonly Migration[] = [
  {
    version: 1,
    name: 'documents, chunks, vectors, jobs, settings',
    sql: `
      CREATE TABLE collections (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        created_at TEXT NOT NULL
      );
      CREATE TABLE documents (
        id TEXT PRIMARY KEY,
        collection_id TEXT NOT NULL REFERENCES collections(id),
        source TEXT NOT NULL,
        file_name TEXT NOT NULL,
        title TEXT NOT NULL,
        format TEXT NOT NULL,
        content_hash TEXT NOT NULL,
        byte_size INTEGER NOT NULL,
        page_count INTEGER,
        chunk_count INTEGER NOT NULL,
        warnings TEXT NOT NULL,
        tags TEXT NOT NULL,
        parser_version TEXT NOT NULL,
        chunker_version TEXT NOT NULL,
        blob_key TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        UNIQUE (collection_id, source)
      );
      CREATE TABLE document_texts (
        document_id TEXT PRIMARY KEY REFERENCES documents(id) ON DELETE CASCADE,
        text TEXT NOT NULL,
        blocks TEXT NOT NULL
      );
      -- AUTOINCREMENT: row ids are never reused, so in-memory indexes can follow changes by id.
      CREATE TABLE chunks (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        document_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
        collection_id TEXT NOT NULL,
        ordinal INTEGER NOT NULL,
        text TEXT NOT NULL,
        context TEXT NOT NULL,
        start_offset INTEGER NOT NULL,
        end_offset INTEGER NOT NULL,
        token_count INTEGER NOT NULL,
        page INTEGER,
        slide INTEGER,
        sheet TEXT,
        title_terms TEXT NOT NULL,
        body_terms TEXT NOT NULL
      );
      CREATE INDEX chunks_by_document ON chunks(document_id, ordinal);
      CREATE TABLE chunk_deletions (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        chunk_id INTEGER NOT NULL,
        deleted_at INTEGER NOT NULL
      );
      CREATE TRIGGER chunks_record_deletion AFTER DELETE ON chunks BEGIN
        INSERT INTO chunk_deletions (chunk_id, deleted_at) VALUES (old.id, unixepoch());
      END;
      CREATE TABLE chunk_vectors (
        embedder_id TEXT NOT NULL,
        chunk_id INTEGER NOT NULL REFERENCES chunks(id) ON DELETE CASCADE,
        dimension INTEGER NOT NULL,
        vector BLOB NOT NULL,
        PRIMARY KEY (embedder_id, chunk_id)
      ) WITHOUT ROWID;
      CREATE INDEX chunk_vectors_by_chunk ON chunk_vectors(chunk_id);
      CREATE TABLE jobs (
        id TEXT PRIMARY KEY,
        kind TEXT NOT NULL,
        payload TEXT NOT NULL,
        state TEXT NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        max_attempts INTEGER NOT NULL,
        error TEXT,
        progress TEXT NOT NULL DEFAULT '{}',
        dedup_key TEXT,
        run_after INTEGER NOT NULL,
        lease_owner TEXT,
        lease_expires_at INTEGER,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );
      CREATE INDEX jobs_runnable ON jobs(state, run_after);
      CREATE INDEX jobs_by_dedup_key ON jobs(dedup_key) WHERE dedup_key IS NOT NULL;
      CREATE TABLE settings (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
      );
    `,
  },
];
