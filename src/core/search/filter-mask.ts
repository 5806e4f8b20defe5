import type { DocumentFilterInfo } from '../../ports/store.port.js';
import type { SearchFilter } from '../records.js';

/**
 * Decides which documents a filter admits. Collection and document ids are checked directly;
 * tags and dates need document metadata, given as `documents`.
 */
export function admittedDocuments(
  filter: SearchFilter,
  documents: readonly DocumentFilterInfo[],
): Set<string> | undefined {
  const needsMetadata = Boolean(filter.tags?.length || filter.updatedAfter || filter.updatedBefore);
  if (!needsMetadata && !filter.documentIds) return undefined;
  const collections = filter.collectionIds ? new Set(filter.collectionIds) : undefined;
  const ids = filter.documentIds ? new Set(filter.documentIds) : undefined;
  const admitted = new Set<string>();
  for (const document of documents) {
    if (collections && !collections.has(document.collectionId)) continue;
    if (ids && !ids.has(document.documentId)) continue;
    if (filter.tags?.some((tag) => !document.tags.includes(tag))) continue;
    if (filter.updatedAfter && document.updatedAt < filter.updatedAfter) continue;
    if (filter.updatedBefore && document.updatedAt > filter.updatedBefore) continue;
    admitted.add(document.documentId);
  }
  return admitted;
}

/** True when the filter restricts anything at all. */
export function isRestrictive(filter: SearchFilter | undefined): filter is SearchFilter {
  return Boolean(
    filter &&
      (filter.collectionIds ||
        filter.documentIds ||
        filter.tags?.length ||
        filter.updatedAfter ||
        filter.updatedBefore),
  );
}
