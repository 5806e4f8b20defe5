import { parentPort } from 'node:worker_threads';
import { toLoreError } from '../../core/errors.js';
import { detectFormat } from './detect-format.js';
import type { ParseRequest, ParseResponse } from './parse-request.js';
import { loadParser, taintingFormats } from './parsers.js';

/** Set once this worker ran a parser that may leave global state behind; the pool then replaces it. */
let tainted = false;

/** Worker thread entry: parses one document per message, in isolation from the main thread. */
parentPort?.on('message', (request: ParseRequest) => {
  void handle(request).then((response) => parentPort?.postMessage(response));
});

async function handle(request: ParseRequest): Promise<ParseResponse> {
  try {
    const format = detectFormat(request.bytes, request.fileName);
    const parser = await loadParser(format);
    tainted ||= taintingFormats.has(format);
    const document = await parser.parse({
      bytes: request.bytes,
      fileName: request.fileName,
      format,
      limits: request.limits,
      ...(request.password === undefined ? {} : { password: request.password }),
    });
    return { id: request.id, recycle: tainted, ok: true, document };
  } catch (error) {
    const loreError = toLoreError(error, 'parse_failed');
    const message =
      loreError.code === 'parse_failed' && !loreError.message.includes(request.fileName)
        ? `${request.fileName}: could not be parsed (${loreError.message})`
        : loreError.message;
    return {
      id: request.id,
      recycle: tainted,
      ok: false,
      error: { code: loreError.code, message, details: loreError.details },
    };
  }
}
