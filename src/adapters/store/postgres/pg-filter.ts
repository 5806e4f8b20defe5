import type { SearchFilter } from '../../../core/records.js';

/**
 * SQL conditions restricting retrieval to what a filter admits (access control passes the
 * readable collections here), applied inside the ranking query. `chunkColumn` names the column
 * holding the chunk id; parameters are appended to `params`.
 *
 * Semantics match `admittedDocuments` (src/core/search/filter-mask.ts): every tag must be present,
 * and the update time is inclusive at both bounds.
 */
export function filterCondition(
  filter: SearchFilter | undefined,
  chunkColumn: string,
  params: unknown[],
): string {
  if (!filter) return '';
  const chunkConditions: string[] = [];
  const documentConditions: string[] = [];
  const add = (value: unknown) => {
    params.push(value);
    return `$${params.length}`;
  };
  if (filter.collectionIds)
    chunkConditions.push(`c.collection_id = ANY(${add(filter.collectionIds)}::text[])`);
  if (filter.documentIds) chunkConditions.push(`c.document_id = ANY(${add(filter.documentIds)}::text[])`);
  if (filter.tags?.length) documentConditions.push(`d.tags @> ${add(filter.tags)}::text[]`);
  if (filter.updatedAfter)
    documentConditions.push(`d.updated_at >= ${add(filter.updatedAfter)}::timestamptz`);
  if (filter.updatedBefore)
    documentConditions.push(`d.updated_at <= ${add(filter.updatedBefore)}::timestamptz`);
  if (chunkConditions.length === 0 && documentConditions.length === 0) return '';
  if (documentConditions.length > 0) {
    chunkConditions.push(
      `c.document_id IN (SELECT d.id FROM documents d WHERE ${documentConditions.join(' AND ')})`,
    );
  }
  return `AND ${chunkColumn} IN (SELECT c.id FROM chunks c WHERE ${chunkConditions.join(' AND ')})`;
}
