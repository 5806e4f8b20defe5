import { expect } from 'vitest';
import type { BlockKind, DocumentFormat, ParsedDocument } from '../../core/document.js';
import { type ErrorCode, LoreError } from '../../core/errors.js';
import type { ParseInput, ParseLimits, Parser } from '../../ports/parser.port.js';
import { detectFormat } from './detect-format.js';

/** Limits for tests: generous pages, no OCR. */
export const testLimits: ParseLimits = { maxPages: 1000, ocr: false, ocrPageTimeoutMs: 1000 };

/** A ParseInput for in-memory bytes. */
export function inputOf(
  bytes: Uint8Array,
  fileName: string,
  format: DocumentFormat,
  limits = testLimits,
): ParseInput {
  return { bytes, fileName, format, limits };
}

/**
 * A ParseInput for the bytes of a file under `datasets/documents` (read them with `readDocument`;
 * this file is compiled with the sources, so it cannot import the test fixtures itself).
 */
export function datasetInput(
  bytes: Uint8Array,
  relative: string,
  format?: DocumentFormat,
  limits = testLimits,
): ParseInput {
  const fileName = relative.split('/').pop() ?? relative;
  return inputOf(bytes, fileName, format ?? detectFormat(bytes, fileName), limits);
}

/** Parses a dataset file's bytes and checks the result is well formed. */
export async function parseDataset(
  parser: Parser,
  bytes: Uint8Array,
  relative: string,
  format?: DocumentFormat,
): Promise<ParsedDocument> {
  const document = await parser.parse(datasetInput(bytes, relative, format));
  expectWellFormed(document);
  return document;
}

/**
 * The invariants every ParsedDocument must hold: each block's span lies inside the text, is
 * non-empty with no surrounding whitespace (`text.slice(start, end)` is the block's content),
 * blocks are ordered and do not overlap, headings have a level 1–6, and the version is set.
 */
export function expectWellFormed(document: ParsedDocument): void {
  expect(document.parserVersion).toMatch(/^[a-z]+@\d+(\+[a-z]+@\d+)*$/);
  expect(typeof document.text).toBe('string');
  let previousEnd = 0;
  for (const [index, block] of document.blocks.entries()) {
    const where = `block ${index} (${block.kind} ${block.start}-${block.end})`;
    expect(Number.isInteger(block.start) && Number.isInteger(block.end), where).toBe(true);
    expect(block.start, `${where} starts before the previous block ends`).toBeGreaterThanOrEqual(previousEnd);
    expect(block.end, `${where} is empty`).toBeGreaterThan(block.start);
    expect(block.end, `${where} ends past the text`).toBeLessThanOrEqual(document.text.length);
    const content = document.text.slice(block.start, block.end);
    expect(content.trim(), `${where} has surrounding whitespace`).toBe(content);
    if (block.kind === 'heading') {
      expect(block.level, `${where} level`).toBeGreaterThanOrEqual(1);
      expect(block.level, `${where} level`).toBeLessThanOrEqual(6);
    }
    previousEnd = block.end;
  }
  for (const warning of document.warnings) {
    expect(warning.code).toMatch(/^[a-z_]+$/);
    expect(warning.message.length).toBeGreaterThan(0);
  }
}

/** Contents of the blocks, optionally of one kind only. */
export function blockTexts(document: ParsedDocument, kind?: BlockKind): string[] {
  return document.blocks
    .filter((block) => kind === undefined || block.kind === kind)
    .map((block) => document.text.slice(block.start, block.end));
}

/** Awaits a rejection and checks it is a LoreError with this code whose message names the file. */
export async function expectLoreError(
  promise: Promise<unknown> | (() => unknown),
  code: ErrorCode,
  fileName?: string,
): Promise<LoreError> {
  let caught: unknown;
  try {
    await (typeof promise === 'function' ? promise() : promise);
  } catch (error) {
    caught = error;
  }
  expect(LoreError.is(caught), `expected a LoreError, got ${String(caught)}`).toBe(true);
  const error = caught as LoreError;
  expect(error.code, error.message).toBe(code);
  if (fileName !== undefined) expect(error.message).toContain(fileName);
  return error;
}
