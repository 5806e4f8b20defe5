/**
 * The one error type of Lore. Every failure that crosses a module boundary is a LoreError with a
 * stable `code` from this list; the HTTP layer maps codes to statuses in one place
 * (`src/server/http-errors.ts`).
 */
export const errorCodes = [
  // Input files
  'unsupported_format',
  'file_too_large',
  'too_many_pages',
  'too_many_documents',
  'file_encrypted',
  'password_incorrect',
  'file_corrupt',
  'file_truncated',
  'file_empty',
  'parse_timeout',
  'parse_out_of_memory',
  'parse_failed',
  // Requests and configuration
  'invalid_request',
  'invalid_config',
  'unauthenticated',
  'forbidden',
  'not_found',
  'conflict',
  'payload_too_large',
  'unsupported_media_type',
  'uri_too_long',
  'headers_too_large',
  'request_timeout',
  'rate_limited',
  // Providers and storage
  'provider_error',
  'provider_unavailable',
  'storage_error',
  /** The database cannot be reached or is locked for longer than the wait allows; retry later. */
  'storage_unavailable',
  /** No space left where the database or the original files are written. */
  'storage_full',
  'cancelled',
  'internal',
] as const;

export type ErrorCode = (typeof errorCodes)[number];

export interface LoreErrorOptions {
  cause?: unknown;
  /** Extra structured context (file name, page...). Never put secrets here. */
  details?: Record<string, unknown>;
}

/** A failure with a stable machine-readable code and a message written for the user. */
export class LoreError extends Error {
  /** Marker that survives structured cloning and duplicate package copies. */
  readonly isLoreError = true;
  readonly code: ErrorCode;
  readonly details: Record<string, unknown>;

  constructor(code: ErrorCode, message: string, options: LoreErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'LoreError';
    this.code = code;
    this.details = options.details ?? {};
  }

  /** True for LoreError instances, including ones rebuilt from a worker thread message. */
  static is(value: unknown): value is LoreError {
    return (
      typeof value === 'object' &&
      value !== null &&
      (value as { isLoreError?: unknown }).isLoreError === true &&
      typeof (value as { code?: unknown }).code === 'string'
    );
  }

  /** Plain-object form for crossing thread or process boundaries. */
  toJSON(): { code: ErrorCode; message: string; details: Record<string, unknown> } {
    return { code: this.code, message: this.message, details: this.details };
  }

  static fromJSON(value: { code: ErrorCode; message: string; details?: Record<string, unknown> }): LoreError {
    return new LoreError(value.code, value.message, { details: value.details ?? {} });
  }
}

/** Recognises a library's failure (a driver error, an errno) and names it as a LoreError. */
export type ErrorTranslator = (error: unknown) => LoreError | undefined;

const translators = new Set<ErrorTranslator>();

/**
 * Registers a translator consulted by {@link toLoreError}: adapters teach the core what their
 * libraries' failures mean (a refused database connection is `storage_unavailable`, a full disk
 * `storage_full`) without the core importing them. Registering the same function twice is a no-op.
 */
export function registerErrorTranslator(translator: ErrorTranslator): void {
  translators.add(translator);
}

/** Wraps anything thrown into a LoreError, keeping LoreErrors as they are. */
export function toLoreError(error: unknown, fallback: ErrorCode = 'internal'): LoreError {
  if (LoreError.is(error)) return error;
  for (const translate of translators) {
    const translated = translate(error);
    if (translated) return translated;
  }
  const message = error instanceof Error ? error.message : String(error);
  return new LoreError(fallback, message, { cause: error });
}

/** True for a string that is one of Lore's error codes (e.g. read from a response body). */
export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && (errorCodes as readonly string[]).includes(value);
}
