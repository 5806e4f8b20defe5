import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import busboy from 'busboy';
import { LoreError, toLoreError } from '../../core/errors.js';
import { safeFileName } from './safe-file-name.js';

/** One uploaded file, complete on local disk under the staging folder. */
export interface StagedFile {
  /** The name as the user gave it, made safe to show and store (see safeFileName). */
  fileName: string;
  path: string;
  sha256: string;
  size: number;
}

/** Everything one multipart upload carried; `discard` removes what is still staged. */
export interface StagedUpload {
  files: StagedFile[];
  fields: Map<string, string>;
  discard(): Promise<void>;
}

export interface UploadStreamOptions {
  /** Folder for the temp files (inside the data folder); created when missing. */
  stagingDir: string;
  /** Largest file (LORE_MAX_FILE_BYTES): reading stops at the first byte over it. */
  maxFileBytes: number;
  /** Most files (LORE_MAX_DOCUMENTS_PER_UPLOAD). */
  maxFiles: number;
  /** Name of the multipart field that carries the files. */
  fileField?: string;
}

const maxFields = 20;
const maxFieldBytes = 64 * 1024;

/**
 * Reads a multipart/form-data body as a stream: each file goes to a temp file in the staging folder
 * while its sha256 is computed, so memory never holds more than a stream buffer. The first file over
 * `maxFileBytes` stops the reading (413 `file_too_large` naming the file and the limit); any failure,
 * a client disconnect included, removes every temp file of the upload before the error is thrown.
 */
export async function readUploadStream(
  body: ReadableStream<Uint8Array> | null,
  contentType: string,
  options: UploadStreamOptions,
): Promise<StagedUpload> {
  if (!body) throw new LoreError('invalid_request', 'no body: send the files as multipart/form-data');
  await mkdir(options.stagingDir, { recursive: true });
  const fileField = options.fileField ?? 'files';
  const files: StagedFile[] = [];
  const temps = new Set<string>();
  const fields = new Map<string, string>();
  const writes: Promise<void>[] = [];
  const discard = async () => {
    await Promise.all([...temps].map((path) => rm(path, { force: true }).catch(() => undefined)));
    temps.clear();
  };

  let parser: busboy.Busboy;
  try {
    parser = busboy({
      headers: { 'content-type': contentType },
      defParamCharset: 'utf8',
      preservePath: true,
      limits: {
        // busboy reports the limit when a file reaches it; a file of exactly maxFileBytes is accepted.
        fileSize: options.maxFileBytes + 1,
        files: options.maxFiles,
        fields: maxFields,
        fieldSize: maxFieldBytes,
        parts: options.maxFiles + maxFields,
      },
    });
  } catch (error) {
    throw new LoreError(
      'invalid_request',
      `body: not a readable multipart/form-data body (${String(error)})`,
      {
        cause: error,
      },
    );
  }
  const source = Readable.fromWeb(body as WebReadableStream<Uint8Array>);
  // The whole body is bounded too (every file at the limit plus 1 MiB of fields and part headers), so
  // a body that never reaches a part (no boundary) cannot be streamed in forever.
  const maxBodyBytes = options.maxFileBytes * options.maxFiles + 1024 * 1024;
  let bodyBytes = 0;
  const metered = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      bodyBytes += chunk.byteLength;
      if (bodyBytes > maxBodyBytes) {
        abort(
          new LoreError(
            'payload_too_large',
            `body: larger than ${maxBodyBytes} bytes (${options.maxFiles} files of LORE_MAX_FILE_BYTES plus 1 MiB); nothing from this upload was stored`,
          ),
        );
        done();
        return;
      }
      done(null, chunk);
    },
  });
  const abort = (failure: LoreError) => {
    // Stop reading: the rest of the body is never pulled from the client. Deferred, because busboy is
    // still inside the chunk that raised the limit and breaks when destroyed there.
    metered.unpipe(parser);
    source.pause();
    setImmediate(() => parser.destroy(failure));
  };

  parser.on('file', (field, stream, info) => {
    const fileName = safeFileName(info.filename ?? '');
    if (field !== fileField) {
      stream.resume();
      abort(new LoreError('invalid_request', `${fileName}: files go in the multipart field "${fileField}"`));
      return;
    }
    const path = join(options.stagingDir, `${randomUUID()}.part`);
    temps.add(path);
    const hash = createHash('sha256');
    let size = 0;
    stream.once('limit', () => {
      abort(
        new LoreError(
          'file_too_large',
          `${fileName}: larger than the limit of ${options.maxFileBytes} bytes (LORE_MAX_FILE_BYTES); nothing from this upload was stored`,
          { details: { fileName, limit: options.maxFileBytes } },
        ),
      );
    });
    const counter = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        size += chunk.byteLength;
        hash.update(chunk);
        done(null, chunk);
      },
    });
    writes.push(
      pipeline(stream, counter, createWriteStream(path)).then(
        () => {
          files.push({ fileName, path, sha256: hash.digest('hex'), size });
        },
        (error: unknown) => {
          const failure = uploadFailure(error);
          // A write failure belongs to this file: name it (a full disk, a permission problem).
          throw LoreError.is(error) || failure.code === 'cancelled'
            ? failure
            : new LoreError(failure.code, `${fileName}: ${failure.message}`, { cause: error });
        },
      ),
    );
  });
  parser.on('field', (name, value, info) => {
    if (info.valueTruncated) {
      abort(new LoreError('invalid_request', `field "${name}": longer than ${maxFieldBytes} bytes`));
      return;
    }
    fields.set(name, value);
  });
  parser.on('filesLimit', () =>
    abort(
      new LoreError(
        'too_many_documents',
        `more than ${options.maxFiles} files in one upload; the limit is ${options.maxFiles} (LORE_MAX_DOCUMENTS_PER_UPLOAD)`,
      ),
    ),
  );
  parser.on('fieldsLimit', () =>
    abort(new LoreError('invalid_request', `more than ${maxFields} form fields in one upload`)),
  );
  parser.on('partsLimit', () =>
    abort(new LoreError('invalid_request', `more than ${options.maxFiles + maxFields} parts in one upload`)),
  );

  try {
    await pipeline(source, metered, parser);
    const settled = await Promise.allSettled(writes);
    const failed = settled.find((result) => result.status === 'rejected');
    if (failed) throw failed.reason;
  } catch (error) {
    source.destroy();
    const settled = await Promise.allSettled(writes);
    await discard();
    // A file's own write failure (named after the file) explains the upload's failure best.
    const written = settled.find(
      (result): result is PromiseRejectedResult =>
        result.status === 'rejected' && LoreError.is(result.reason),
    );
    throw written && !LoreError.is(error) ? written.reason : uploadFailure(error);
  }
  // Files in arrival order (their writes finish in any order).
  const arrival = [...temps];
  files.sort((a, b) => arrival.indexOf(a.path) - arrival.indexOf(b.path));
  return { files, fields, discard };
}

/** Removes staged upload files older than `maxAgeMs` (left by a crash mid-upload). */
export async function sweepStagedUploads(stagingDir: string, maxAgeMs = 60 * 60 * 1000): Promise<number> {
  const names = await readdir(stagingDir).catch(() => [] as string[]);
  let removed = 0;
  for (const name of names) {
    if (!name.endsWith('.part')) continue;
    const path = join(stagingDir, name);
    const info = await stat(path).catch(() => undefined);
    if (info && Date.now() - info.mtimeMs > maxAgeMs) {
      await rm(path, { force: true }).catch(() => undefined);
      removed += 1;
    }
  }
  return removed;
}

function uploadFailure(error: unknown): LoreError {
  if (LoreError.is(error)) return error;
  const message = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: unknown }).code;
  if (code === 'ENOSPC' || code === 'EDQUOT') {
    return new LoreError('storage_full', `no space left in the data folder to stage the upload (${code})`, {
      cause: error,
    });
  }
  if (code === 'ECONNRESET' || code === 'ABORT_ERR' || /prematurely closed|aborted/i.test(message)) {
    return new LoreError('cancelled', `the client closed the connection mid-upload (${message})`, {
      cause: error,
    });
  }
  if (/Malformed part header/i.test(message)) {
    return new LoreError(
      'invalid_request',
      "body: a multipart part header is malformed or holds a raw control character (send file names with control characters percent-encoded, as filename*=UTF-8''…)",
      { cause: error },
    );
  }
  if (/Unexpected end of form|Malformed|boundary|Unexpected end/i.test(message)) {
    return new LoreError(
      'invalid_request',
      `body: malformed or incomplete multipart/form-data (${message})`,
      {
        cause: error,
      },
    );
  }
  return toLoreError(error, 'storage_error');
}
