import { parentPort } from 'node:worker_threads';
import type { DocumentFormat } from '../../core/document.js';
import { toLoreError } from '../../core/errors.js';
import type { Parser } from '../../ports/parser.port.js';
import { detectFormat } from './detect-format.js';
import type { ParseRequest, ParseResponse } from './parse-request.js';
import { parsersByFormat } from './parsers.js';
import { pdfParser } from './pdf.parser.js';

const parsers: Record<DocumentFormat, Parser> = { ...parsersByFormat, pdf: pdfParser };

/** Worker thread entry: parses one document per message, in isolation from the main thread. */
parentPort?.on('message', (request: ParseRequest) => {
  void handle(request).then((response) => parentPort?.postMessage(response));
});

async function handle(request: ParseRequest): Promise<ParseResponse> {
  try {
    const format = detectFormat(request.bytes, request.fileName);
    const parser = parsers[format];
    const document = await parser.parse({
      bytes: request.bytes,
      fileName: request.fileName,
      format,
      limits: request.limits,
      ...(request.password === undefined ? {} : { password: request.password }),
    });
    return { id: request.id, ok: true, document };
  } catch (error) {
    const loreError = toLoreError(error, 'parse_failed');
    const message =
      loreError.code === 'parse_failed' && !loreError.message.includes(request.fileName)
        ? `${request.fileName}: could not be parsed (${loreError.message})`
        : loreError.message;
    return {
      id: request.id,
      ok: false,
      error: { code: loreError.code, message, details: loreError.details },
    };
  }
}
