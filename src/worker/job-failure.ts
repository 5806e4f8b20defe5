import { toLoreError } from '../core/errors.js';
import type { JobFailure } from '../ports/queue.port.js';

/** What a job records of an error: its message and `LoreError` code (`internal` for anything else). */
export function jobFailure(error: unknown): JobFailure {
  const failure = toLoreError(error);
  return { message: failure.message, code: failure.code };
}
