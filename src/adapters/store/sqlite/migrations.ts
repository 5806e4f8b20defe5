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
  {
    version: 2,
    name: 'users, groups, sessions, API keys, sharing, conversations, analytics, audit',
    sql: `
      ALTER TABLE collections ADD COLUMN owner_id TEXT;
      ALTER TABLE collections ADD COLUMN description TEXT NOT NULL DEFAULT '';
      CREATE TABLE users (
        id TEXT PRIMARY KEY,
        email TEXT NOT NULL UNIQUE COLLATE NOCASE,
        name TEXT NOT NULL,
        role TEXT NOT NULL CHECK (role IN ('admin', 'member')),
        disabled INTEGER NOT NULL DEFAULT 0,
        password_hash TEXT,
        created_at TEXT NOT NULL,
        last_login_at TEXT
      );
      CREATE TABLE external_identities (
        issuer TEXT NOT NULL,
        subject TEXT NOT NULL,
        user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        PRIMARY KEY (issuer, subject)
      );
      CREATE TABLE groups (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        created_at TEXT NOT NULL
      );
      CREATE TABLE group_members (
        group_id TEXT NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
        user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        PRIMARY KEY (group_id, user_id)
      );
      CREATE INDEX group_members_by_user ON group_members(user_id);
      CREATE TABLE sessions (
        token_hash TEXT PRIMARY KEY,
        user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        csrf_token TEXT NOT NULL,
        created_at TEXT NOT NULL,
        expires_at TEXT NOT NULL
      );
      CREATE INDEX sessions_by_user ON sessions(user_id);
      CREATE TABLE api_keys (
        id TEXT PRIMARY KEY,
        user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        name TEXT NOT NULL,
        prefix TEXT NOT NULL,
        secret_hash TEXT NOT NULL UNIQUE,
        scopes TEXT NOT NULL,
        created_at TEXT NOT NULL,
        expires_at TEXT,
        last_used_at TEXT
      );
      CREATE TABLE collection_grants (
        collection_id TEXT NOT NULL REFERENCES collections(id) ON DELETE CASCADE,
        grantee_type TEXT NOT NULL CHECK (grantee_type IN ('user', 'group')),
        grantee_id TEXT NOT NULL,
        permission TEXT NOT NULL CHECK (permission IN ('reader', 'editor')),
        created_at TEXT NOT NULL,
        PRIMARY KEY (collection_id, grantee_type, grantee_id)
      );
      CREATE INDEX collection_grants_by_grantee ON collection_grants(grantee_type, grantee_id);
      CREATE TABLE conversations (
        id TEXT PRIMARY KEY,
        user_id TEXT,
        title TEXT NOT NULL,
        collection_ids TEXT NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );
      CREATE INDEX conversations_by_user ON conversations(user_id, updated_at);
      CREATE TABLE messages (
        id TEXT PRIMARY KEY,
        conversation_id TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
        seq INTEGER NOT NULL,
        role TEXT NOT NULL,
        content TEXT NOT NULL,
        citations TEXT NOT NULL,
        mode TEXT,
        question_id TEXT,
        created_at TEXT NOT NULL
      );
      CREATE INDEX messages_by_conversation ON messages(conversation_id, seq);
      CREATE TABLE questions (
        id TEXT PRIMARY KEY,
        at TEXT NOT NULL,
        user_id TEXT,
        conversation_id TEXT,
        question TEXT NOT NULL,
        collection_ids TEXT NOT NULL,
        mode TEXT NOT NULL,
        model TEXT,
        latency_ms REAL NOT NULL,
        input_tokens INTEGER,
        output_tokens INTEGER,
        cost_usd REAL,
        cited_document_ids TEXT NOT NULL,
        feedback TEXT,
        feedback_comment TEXT,
        channel TEXT NOT NULL
      );
      CREATE INDEX questions_by_time ON questions(at);
      CREATE TABLE audit_log (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        at TEXT NOT NULL,
        actor_id TEXT,
        action TEXT NOT NULL,
        target TEXT,
        details TEXT NOT NULL,
        ip TEXT
      );
      CREATE INDEX audit_log_by_action ON audit_log(action, id);
    `,
  },
  {
    version: 3,
    name: 'evaluation runs',
    sql: `
      CREATE TABLE evaluations (
        id TEXT PRIMARY KEY,
        dataset TEXT NOT NULL,
        source TEXT NOT NULL CHECK (source IN ('folder', 'upload')),
        state TEXT NOT NULL CHECK (state IN ('queued', 'running', 'done', 'failed')),
        job_id TEXT,
        created_by TEXT,
        created_at TEXT NOT NULL,
        finished_at TEXT,
        report TEXT,
        per_query TEXT,
        error TEXT
      );
      CREATE INDEX evaluations_by_created ON evaluations(created_at);
    `,
  },
  {
    version: 4,
    name: 'sign-in attempt windows',
    sql: `
      CREATE TABLE login_attempts (
        key TEXT PRIMARY KEY,
        attempts INTEGER NOT NULL,
        window_ends_at INTEGER NOT NULL
      );
      CREATE INDEX login_attempts_by_end ON login_attempts(window_ends_at);
    `,
  },
  {
    version: 5,
    name: 'the change log keeps the terms of deleted chunks; jobs with an order key',
    // The in-memory BM25 index subtracts a deleted chunk's terms from its statistics, so a
    // long-running process scores exactly like one that just loaded the index. Jobs sharing an
    // order key (the uploads of one document) run one at a time, oldest first.
    sql: `
      ALTER TABLE jobs ADD COLUMN order_key TEXT;
      CREATE INDEX jobs_by_order_key ON jobs(order_key) WHERE order_key IS NOT NULL;
      ALTER TABLE chunk_deletions ADD COLUMN title_terms TEXT;
      ALTER TABLE chunk_deletions ADD COLUMN body_terms TEXT;
      DROP TRIGGER chunks_record_deletion;
      CREATE TRIGGER chunks_record_deletion AFTER DELETE ON chunks BEGIN
        INSERT INTO chunk_deletions (chunk_id, deleted_at, title_terms, body_terms)
        VALUES (old.id, unixepoch(), old.title_terms, old.body_terms);
      END;
    `,
  },
  {
    version: 6,
    name: 'tables kept as typed rows',
    sql: `
      CREATE TABLE document_tables (
        id TEXT PRIMARY KEY,
        document_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
        collection_id TEXT NOT NULL,
        ordinal INTEGER NOT NULL,
        sheet TEXT NOT NULL,
        caption TEXT,
        header_first INTEGER NOT NULL,
        header_last INTEGER NOT NULL,
        first_row INTEGER NOT NULL,
        last_row INTEGER NOT NULL,
        row_count INTEGER NOT NULL,
        columns TEXT NOT NULL,
        truncated INTEGER NOT NULL,
        extractor_version TEXT NOT NULL
      );
      CREATE INDEX document_tables_by_document ON document_tables(document_id, ordinal);
      CREATE INDEX document_tables_by_collection ON document_tables(collection_id);
      -- One row per sheet row: typed values, displayed texts, text span, total flag (JSON).
      CREATE TABLE table_rows (
        table_id TEXT NOT NULL REFERENCES document_tables(id) ON DELETE CASCADE,
        row_number INTEGER NOT NULL,
        cells TEXT NOT NULL,
        PRIMARY KEY (table_id, row_number)
      ) WITHOUT ROWID;
    `,
  },
  {
    version: 7,
    name: 'connectors: definitions, runs, item versions',
    sql: `
      CREATE TABLE connectors (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        kind TEXT NOT NULL,
        collection_id TEXT NOT NULL REFERENCES collections(id) ON DELETE CASCADE,
        settings TEXT NOT NULL,
        interval_minutes INTEGER NOT NULL,
        created_by TEXT,
        created_at TEXT NOT NULL
      );
      CREATE TABLE connector_runs (
        id TEXT PRIMARY KEY,
        connector_id TEXT NOT NULL REFERENCES connectors(id) ON DELETE CASCADE,
        state TEXT NOT NULL CHECK (state IN ('running', 'done', 'failed')),
        trigger TEXT NOT NULL,
        started_at TEXT NOT NULL,
        finished_at TEXT,
        seen INTEGER NOT NULL DEFAULT 0,
        added INTEGER NOT NULL DEFAULT 0,
        updated INTEGER NOT NULL DEFAULT 0,
        unchanged INTEGER NOT NULL DEFAULT 0,
        removed INTEGER NOT NULL DEFAULT 0,
        failed INTEGER NOT NULL DEFAULT 0,
        failures TEXT NOT NULL DEFAULT '[]',
        error TEXT
      );
      CREATE INDEX connector_runs_by_connector ON connector_runs(connector_id, started_at);
      CREATE TABLE connector_items (
        connector_id TEXT NOT NULL REFERENCES connectors(id) ON DELETE CASCADE,
        key TEXT NOT NULL,
        version TEXT NOT NULL,
        PRIMARY KEY (connector_id, key)
      );
    `,
  },
  {
    version: 8,
    name: 'jobs keep the error code of their failure',
    sql: `
      ALTER TABLE jobs ADD COLUMN error_code text;
    `,
  },
  {
    version: 9,
    name: 'connector runs can be cancelled; items keep the remote validators',
    sql: `
      -- SQLite cannot change a CHECK constraint in place: the runs table is rebuilt with 'cancelled'.
      CREATE TABLE connector_runs_v9 (
        id TEXT PRIMARY KEY,
        connector_id TEXT NOT NULL REFERENCES connectors(id) ON DELETE CASCADE,
        state TEXT NOT NULL CHECK (state IN ('running', 'done', 'failed', 'cancelled')),
        trigger TEXT NOT NULL,
        started_at TEXT NOT NULL,
        finished_at TEXT,
        seen INTEGER NOT NULL DEFAULT 0,
        added INTEGER NOT NULL DEFAULT 0,
        updated INTEGER NOT NULL DEFAULT 0,
        unchanged INTEGER NOT NULL DEFAULT 0,
        removed INTEGER NOT NULL DEFAULT 0,
        failed INTEGER NOT NULL DEFAULT 0,
        failures TEXT NOT NULL DEFAULT '[]',
        error TEXT,
        cancel_requested_at TEXT
      );
      INSERT INTO connector_runs_v9 (id, connector_id, state, trigger, started_at, finished_at, seen, added,
        updated, unchanged, removed, failed, failures, error)
        SELECT id, connector_id, state, trigger, started_at, finished_at, seen, added, updated, unchanged,
          removed, failed, failures, error FROM connector_runs;
      DROP TABLE connector_runs;
      ALTER TABLE connector_runs_v9 RENAME TO connector_runs;
      CREATE INDEX connector_runs_by_connector ON connector_runs(connector_id, started_at);
      -- What the adapter keeps about an item between runs (web: ETag, Last-Modified, links), JSON.
      ALTER TABLE connector_items ADD COLUMN memo TEXT;
    `,
  },
  {
    version: 10,
    name: 'the change log keeps the terms of deleted chunks (PostgreSQL; here since version 5)',
    // Nothing to change in the embedded schema: the version keeps both backends numbered alike.
    sql: `SELECT 1;`,
  },
  {
    version: 11,
    name: 'documents found by their original',
    // An original is deleted once no document and no pending job needs it (Store.blobInUse).
    sql: `CREATE INDEX documents_by_blob ON documents(blob_key) WHERE blob_key IS NOT NULL;`,
  },
];
