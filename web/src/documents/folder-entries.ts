/** Minimal typings of the File and Directory Entries API (drag-and-drop of folders). */
interface Entry {
  isFile: boolean;
  isDirectory: boolean;
  name: string;
  fullPath: string;
}
interface FileEntry extends Entry {
  file(resolve: (file: File) => void, reject: (error: unknown) => void): void;
}
interface DirectoryEntry extends Entry {
  createReader(): {
    readEntries(resolve: (entries: Entry[]) => void, reject: (error: unknown) => void): void;
  };
}

/**
 * The files of a drop, walking dropped folders recursively (`webkitGetAsEntry`); falls back to
 * `dataTransfer.files` where entries are not supported. Hidden files (".DS_Store") are skipped.
 */
export async function filesOfDrop(data: DataTransfer): Promise<File[]> {
  const entries = Array.from(data.items ?? [])
    .map((item) => (item.kind === 'file' ? (item.webkitGetAsEntry?.() as Entry | null) : null))
    .filter((entry): entry is Entry => entry !== null);
  if (entries.length === 0) return Array.from(data.files);
  const files: File[] = [];
  for (const entry of entries) await collect(entry, files);
  return files;
}

async function collect(entry: Entry, into: File[]): Promise<void> {
  if (entry.name.startsWith('.')) return;
  if (entry.isFile) {
    into.push(await new Promise<File>((resolve, reject) => (entry as FileEntry).file(resolve, reject)));
    return;
  }
  if (!entry.isDirectory) return;
  const reader = (entry as DirectoryEntry).createReader();
  // readEntries returns batches (100 in Chromium) until an empty one.
  for (;;) {
    const batch = await new Promise<Entry[]>((resolve, reject) => reader.readEntries(resolve, reject));
    if (batch.length === 0) break;
    for (const child of batch) await collect(child, into);
  }
}

/** Files picked with `<input webkitdirectory>`, without hidden ones. */
export function visibleFiles(list: FileList | null): File[] {
  return Array.from(list ?? []).filter((file) => !file.name.startsWith('.'));
}
