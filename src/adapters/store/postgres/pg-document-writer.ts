import { randomUUID } from 'node:crypto';
import type { ChunkTerms, DocumentWrite } from '../../../ports/store.port.js';
import type { PgClient } from './database.js';
import { writeTablesPg } from './pg.table-store.js';
import { fieldNumber, vectorLiteral } from './rows.js';

// Document writes and deletions: chunks, postings, vectors and the BM25 statistics change in the
// caller's transaction, so readers see the old version or the new one, never a mix.

/**
 * PostgreSQL text cannot hold NUL; parsed files occasionally do. U+FFFD is one UTF-16 unit like
 * NUL, so character offsets (citation spans) stay exact.
 */
export function withoutNul(text: string): string {
  return text.includes('\u0000') ? text.replaceAll('\u0000', '\ufffd') : text;
}

/** JSON for a jsonb column (which rejects the \u0000 escape). */
function jsonWithoutNul(value: unknown): string {
  return JSON.stringify(value).replaceAll('\\u0000', '\\ufffd');
}

/** Net change of the lexical statistics caused by one write or deletion. */
class StatsDelta {
  readonly terms = new Map<string, number>();
  readonly docCount = [0, 0];
  readonly totalLength = [0, 0];

  /** Counts a chunk's terms in (sign 1) or out (sign -1). */
  apply(terms: ChunkTerms, sign: 1 | -1): void {
    for (const [name, field] of Object.entries(fieldNumber) as [keyof ChunkTerms, number][]) {
      const list = terms[name];
      if (list.length === 0) continue;
      this.docCount[field]! += sign;
      this.totalLength[field]! += sign * list.length;
      for (const term of new Set(list)) {
        const key = `${field}\u0000${term}`;
        this.terms.set(key, (this.terms.get(key) ?? 0) + sign);
      }
    }
  }
}

/** Applies a statistics delta: per-term rows first (in one sorted order, so concurrent writers never deadlock), the two field rows last. */
async function applyStats(client: PgClient, delta: StatsDelta): Promise<void> {
  const terms: string[] = [];
  const fields: number[] = [];
  const changes: number[] = [];
  for (const [key, change] of delta.terms) {
    if (change === 0) continue;
    const split = key.indexOf('\u0000');
    fields.push(Number(key.slice(0, split)));
    terms.push(withoutNul(key.slice(split + 1)));
    changes.push(change);
  }
  if (terms.length > 0) {
    await client.query(
      `INSERT INTO term_stats (term, field, df)
       SELECT term, field, change FROM unnest($1::text[], $2::smallint[], $3::integer[]) AS t(term, field, change)
       ORDER BY term COLLATE "C", field
       ON CONFLICT (term, field) DO UPDATE SET df = term_stats.df + excluded.df`,
      [terms, fields, changes],
    );
  }
  for (const field of [0, 1]) {
    if (delta.docCount[field] === 0 && delta.totalLength[field] === 0) continue;
    await client.query(
      'UPDATE field_stats SET doc_count = doc_count + $2, total_length = total_length + $3 WHERE field = $1',
      [field, delta.docCount[field], delta.totalLength[field]],
    );
  }
}

/** Deletes a document's chunks (postings and vectors cascade) and counts their terms out of `delta`. */
async function removeChunks(client: PgClient, documentId: string, delta: StatsDelta): Promise<void> {
  const old = await client.query<{ title_terms: string[]; body_terms: string[] }>(
    'DELETE FROM chunks WHERE document_id = $1 RETURNING title_terms, body_terms',
    [documentId],
  );
  for (const row of old.rows) delta.apply({ title: row.title_terms, body: row.body_terms }, -1);
}

/** Writes (inserts or replaces) a document in the caller's transaction; returns its id. */
export async function writeDocumentRows(client: PgClient, write: DocumentWrite): Promise<string> {
  const input = write.document;
  // Two writers of the same source wait for each other instead of racing on the unique key.
  await client.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [
    `${input.collectionId}\u001f${input.source}`,
  ]);
  const existing = input.id
    ? await client.query<{ id: string }>('SELECT id FROM documents WHERE id = $1 FOR UPDATE', [input.id])
    : await client.query<{ id: string }>(
        'SELECT id FROM documents WHERE collection_id = $1 AND source = $2 FOR UPDATE',
        [input.collectionId, input.source],
      );
  const id = existing.rows[0]?.id ?? input.id ?? randomUUID();
  const delta = new StatsDelta();
  if (existing.rows[0]) await removeChunks(client, id, delta);
  await client.query(
    `INSERT INTO documents (id, collection_id, source, file_name, title, format, content_hash, byte_size,
       page_count, chunk_count, warnings, tags, parser_version, chunker_version, blob_key, created_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, clock_timestamp(), clock_timestamp())
     ON CONFLICT (id) DO UPDATE SET collection_id = excluded.collection_id, source = excluded.source,
       file_name = excluded.file_name, title = excluded.title, format = excluded.format,
       content_hash = excluded.content_hash, byte_size = excluded.byte_size, page_count = excluded.page_count,
       chunk_count = excluded.chunk_count, warnings = excluded.warnings, tags = excluded.tags,
       parser_version = excluded.parser_version, chunker_version = excluded.chunker_version,
       blob_key = excluded.blob_key, updated_at = excluded.updated_at`,
    [
      id,
      input.collectionId,
      withoutNul(input.source),
      withoutNul(input.fileName),
      withoutNul(input.title),
      input.format,
      input.contentHash,
      input.byteSize,
      input.pageCount ?? null,
      write.chunks.length,
      jsonWithoutNul(input.warnings),
      input.tags,
      input.parserVersion,
      input.chunkerVersion,
      input.blobKey ?? null,
    ],
  );
  await client.query(
    `INSERT INTO document_texts (document_id, text, blocks) VALUES ($1, $2, $3)
     ON CONFLICT (document_id) DO UPDATE SET text = excluded.text, blocks = excluded.blocks`,
    [id, withoutNul(write.parsed.text), jsonWithoutNul(write.parsed.blocks)],
  );
  const rowIds = await insertChunks(client, id, input.collectionId, write, delta);
  await insertPostings(client, rowIds, write.terms);
  if (write.vectors && rowIds.length > 0) {
    const { embedderId, dimension, values } = write.vectors;
    const ids: number[] = [];
    const literals: string[] = [];
    rowIds.forEach((rowId, index) => {
      const vector = values[index];
      if (!vector) return;
      ids.push(rowId);
      literals.push(vectorLiteral(vector));
    });
    await client.query(
      `INSERT INTO chunk_vectors (embedder_id, chunk_id, dimension, vector)
       SELECT $1, chunk_id, $2, vector::vector FROM unnest($3::integer[], $4::text[]) AS t(chunk_id, vector)`,
      [embedderId, dimension, ids, literals],
    );
  }
  await writeTablesPg(client, id, input.collectionId, write.parsed.tables ?? []);
  await applyStats(client, delta);
  return id;
}

async function insertChunks(
  client: PgClient,
  documentId: string,
  collectionId: string,
  write: DocumentWrite,
  delta: StatsDelta,
): Promise<number[]> {
  if (write.chunks.length === 0) return [];
  const columns = {
    ordinal: [] as number[],
    text: [] as string[],
    context: [] as string[],
    start: [] as number[],
    end: [] as number[],
    tokens: [] as number[],
    page: [] as (number | null)[],
    slide: [] as (number | null)[],
    sheet: [] as (string | null)[],
    title: [] as string[],
    body: [] as string[],
  };
  write.chunks.forEach((chunk, index) => {
    const terms = write.terms[index] ?? { title: [], body: [] };
    delta.apply(terms, 1);
    columns.ordinal.push(chunk.ordinal);
    columns.text.push(withoutNul(chunk.text));
    columns.context.push(withoutNul(chunk.context));
    columns.start.push(chunk.start);
    columns.end.push(chunk.end);
    columns.tokens.push(chunk.tokenCount);
    columns.page.push(chunk.page ?? null);
    columns.slide.push(chunk.slide ?? null);
    columns.sheet.push(chunk.sheet === undefined ? null : withoutNul(chunk.sheet));
    // Terms never contain spaces (the analyzer splits on them), so one string per chunk is lossless.
    columns.title.push(withoutNul(terms.title.join(' ')));
    columns.body.push(withoutNul(terms.body.join(' ')));
  });
  const inserted = await client.query<{ id: number }>(
    `INSERT INTO chunks (document_id, collection_id, ordinal, text, context, start_offset, end_offset,
       token_count, page, slide, sheet, title_terms, body_terms)
     SELECT $1, $2, ordinal, text, context, start_offset, end_offset, token_count, page, slide, sheet,
       CASE WHEN title = '' THEN '{}'::text[] ELSE string_to_array(title, ' ') END,
       CASE WHEN body = '' THEN '{}'::text[] ELSE string_to_array(body, ' ') END
     FROM unnest($3::integer[], $4::text[], $5::text[], $6::integer[], $7::integer[], $8::integer[],
       $9::integer[], $10::integer[], $11::text[], $12::text[], $13::text[])
       WITH ORDINALITY AS t(ordinal, text, context, start_offset, end_offset, token_count, page, slide, sheet,
         title, body, position)
     ORDER BY position
     RETURNING id`,
    [
      documentId,
      collectionId,
      columns.ordinal,
      columns.text,
      columns.context,
      columns.start,
      columns.end,
      columns.tokens,
      columns.page,
      columns.slide,
      columns.sheet,
      columns.title,
      columns.body,
    ],
  );
  // Identity values follow the insertion order, which follows `position`.
  return inserted.rows.map((row) => row.id).sort((a, b) => a - b);
}

/** One posting per (term, field, chunk) with its term frequency and the field's length. */
async function insertPostings(client: PgClient, rowIds: number[], terms: ChunkTerms[]): Promise<void> {
  const term: string[] = [];
  const field: number[] = [];
  const chunk: number[] = [];
  const tf: number[] = [];
  const dl: number[] = [];
  rowIds.forEach((rowId, index) => {
    const chunkTerms = terms[index] ?? { title: [], body: [] };
    for (const [name, number] of Object.entries(fieldNumber) as [keyof ChunkTerms, number][]) {
      const list = chunkTerms[name];
      const counts = new Map<string, number>();
      for (const value of list) counts.set(value, (counts.get(value) ?? 0) + 1);
      for (const [value, count] of counts) {
        term.push(withoutNul(value));
        field.push(number);
        chunk.push(rowId);
        tf.push(Math.min(count, 65_535));
        dl.push(list.length);
      }
    }
  });
  if (term.length === 0) return;
  await client.query(
    `INSERT INTO postings (term, field, chunk_id, tf, dl)
     SELECT * FROM unnest($1::text[], $2::smallint[], $3::integer[], $4::integer[], $5::integer[])`,
    [term, field, chunk, tf, dl],
  );
}

/** Deletes a document with its chunks, postings, vectors and text in the caller's transaction. */
export async function deleteDocumentRows(client: PgClient, documentId: string): Promise<void> {
  const delta = new StatsDelta();
  const locked = await client.query('SELECT 1 FROM documents WHERE id = $1 FOR UPDATE', [documentId]);
  if (locked.rowCount === 0) return;
  await removeChunks(client, documentId, delta);
  await client.query('DELETE FROM documents WHERE id = $1', [documentId]);
  await applyStats(client, delta);
}
