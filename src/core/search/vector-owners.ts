/** The admitted part of a filter, as an index checks it per row. */
export interface AdmittedSets {
  collections?: ReadonlySet<string>;
  documents?: ReadonlySet<string>;
}

interface OwnerDocument {
  id: string;
  collectionId: string;
  rows: Set<number>;
}

/**
 * Which document and collection each indexed row belongs to, with per-document rows and
 * per-collection counts, so that a filter's admitted rows are counted (and, when few, listed)
 * without a scan of every row. Rows point at one shared record per document.
 */
export class VectorOwners {
  private readonly documentOf = new Map<number, OwnerDocument>();
  private readonly documents = new Map<string, OwnerDocument>();
  private readonly documentsOfCollection = new Map<string, Set<OwnerDocument>>();
  private readonly rowsInCollection = new Map<string, number>();

  get size(): number {
    return this.documentOf.size;
  }

  has(rowId: number): boolean {
    return this.documentOf.has(rowId);
  }

  rowIds(): IterableIterator<number> {
    return this.documentOf.keys();
  }

  add(rowId: number, documentId: string, collectionId: string): void {
    if (this.documentOf.has(rowId)) this.remove(rowId);
    let document = this.documents.get(documentId);
    if (!document) {
      // A document's chunks all live in its collection (a move rewrites them with new row ids).
      document = { id: documentId, collectionId, rows: new Set() };
      this.documents.set(documentId, document);
      const inCollection = this.documentsOfCollection.get(collectionId) ?? new Set<OwnerDocument>();
      inCollection.add(document);
      this.documentsOfCollection.set(collectionId, inCollection);
    }
    document.rows.add(rowId);
    this.documentOf.set(rowId, document);
    const collection = document.collectionId;
    this.rowsInCollection.set(collection, (this.rowsInCollection.get(collection) ?? 0) + 1);
  }

  remove(rowId: number): void {
    const document = this.documentOf.get(rowId);
    if (!document) return;
    this.documentOf.delete(rowId);
    document.rows.delete(rowId);
    const collection = document.collectionId;
    this.rowsInCollection.set(collection, (this.rowsInCollection.get(collection) ?? 1) - 1);
    if (document.rows.size > 0) return;
    this.documents.delete(document.id);
    const inCollection = this.documentsOfCollection.get(collection);
    inCollection?.delete(document);
    if (inCollection?.size === 0) {
      this.documentsOfCollection.delete(collection);
      this.rowsInCollection.delete(collection);
    }
  }

  /** True when the row is indexed and its document and collection pass the filter. */
  admits(rowId: number, sets: AdmittedSets): boolean {
    const document = this.documentOf.get(rowId);
    if (!document) return false;
    if (sets.documents && !sets.documents.has(document.id)) return false;
    return !sets.collections || sets.collections.has(document.collectionId);
  }

  /** How many rows the filter admits, counted per document or collection (not per row). */
  admittedCount(sets: AdmittedSets): number {
    if (!sets.documents && !sets.collections) return this.size;
    if (!sets.documents) {
      let count = 0;
      for (const collection of sets.collections!) count += this.rowsInCollection.get(collection) ?? 0;
      return count;
    }
    let count = 0;
    for (const document of this.admittedDocuments(sets)) count += document.rows.size;
    return count;
  }

  /** The rows the filter admits (call when `admittedCount` is small). */
  admittedRows(sets: AdmittedSets): number[] {
    const rows: number[] = [];
    for (const document of this.admittedDocuments(sets)) for (const rowId of document.rows) rows.push(rowId);
    return rows;
  }

  private *admittedDocuments(sets: AdmittedSets): Generator<OwnerDocument> {
    if (sets.documents) {
      for (const id of sets.documents) {
        const document = this.documents.get(id);
        if (document && (!sets.collections || sets.collections.has(document.collectionId))) yield document;
      }
      return;
    }
    if (!sets.collections) {
      yield* this.documents.values();
      return;
    }
    for (const collection of sets.collections) yield* this.documentsOfCollection.get(collection) ?? [];
  }
}
