import { errorText, followJob, type Job, uploadFile } from '../lib/api.js';

export interface UploadItem {
  id: string;
  fileName: string;
  size: number;
  /** uploading → queued/running (job) → done | failed */
  phase: 'waiting' | 'uploading' | 'processing' | 'done' | 'failed';
  uploaded: number;
  job?: Job;
  error?: string;
}

/**
 * Uploads files one request each (so one bad file never blocks the rest), two at a time, then
 * follows each file's ingest job over SSE. `onChange` receives every item update.
 */
export async function uploadAll(
  files: File[],
  options: { collection?: string; onChange(item: UploadItem): void; onFinished?(): void },
): Promise<void> {
  const items = files.map<UploadItem>((file) => ({
    id: crypto.randomUUID(),
    fileName: file.webkitRelativePath || file.name,
    size: file.size,
    phase: 'waiting',
    uploaded: 0,
  }));
  for (const item of items) options.onChange(item);
  let next = 0;
  const worker = async () => {
    while (next < files.length) {
      const index = next++;
      await uploadOne(files[index]!, items[index]!, options);
    }
  };
  await Promise.all([worker(), worker()]);
  options.onFinished?.();
}

async function uploadOne(
  file: File,
  item: UploadItem,
  options: { collection?: string; onChange(item: UploadItem): void },
): Promise<void> {
  const update = (change: Partial<UploadItem>) => {
    Object.assign(item, change);
    options.onChange({ ...item });
  };
  try {
    update({ phase: 'uploading' });
    const { outcome } = await uploadFile(file, {
      ...(options.collection ? { collection: options.collection } : {}),
      onProgress: (fraction) => update({ uploaded: fraction }),
    });
    if (outcome.error || !outcome.jobId) {
      update({ phase: 'failed', error: outcome.error ?? 'The server did not accept this file.' });
      return;
    }
    update({ phase: 'processing', uploaded: 1 });
    const job = await followJob(outcome.jobId, (state) => update({ job: state }));
    if (job.state === 'done') update({ phase: 'done', job });
    else
      update({
        phase: 'failed',
        job,
        error: job.error ? readableJobError(job.error, job.errorCode) : `The job was ${job.state}.`,
      });
  } catch (caught) {
    update({ phase: 'failed', error: errorText(caught) });
  }
}

const plainWords: Partial<Record<string, string>> = {
  file_encrypted: 'This file is password-protected',
  password_incorrect: 'This file is password-protected',
  file_corrupt: 'This file is damaged and cannot be read',
  file_truncated: 'This file is damaged and cannot be read',
  file_too_large: "This file is too large for the server's limits",
  too_many_pages: "This file is too large for the server's limits",
  unsupported_format: 'This kind of file is not supported',
  file_empty: 'This file is empty',
};

/** A failed job's error in plain words, from its error code (older servers: from the message). */
export function readableJobError(error: string, code?: string): string {
  const words = code ? plainWords[code] : undefined;
  if (words) return `${words} (${error}).`;
  if (code) return error;
  if (/encrypt|password/i.test(error)) return `This file is password-protected (${error}).`;
  if (/corrupt|damaged|invalid pdf|truncat/i.test(error))
    return `This file is damaged and cannot be read (${error}).`;
  if (/too large|exceeds|too many pages/i.test(error))
    return `This file is too large for the server's limits (${error}).`;
  return error;
}
