/**
 * The one error type of Lore. Every failure that crosses a module boundary is a LoreError with a
 * stable `code`; the HTTP layer maps codes to statuses in one place (see `httpStatusFor`).
 */
export const errorCodes = {
  // Input files
  unsupported_format: 415,
  file_too_large: 413,
  too_many_pages: 413,
  too_many_documents: 413,
  file_encrypted: 422,
  password_incorrect: 422,
  file_corrupt: 422,
  file_truncated: 422,
  file_empty: 422,
  parse_timeout: 422,
  parse_out_of_memory: 422,
  parse_failed: 422,
  // Requests and configuration
  invalid_request: 400,
  invalid_config: 500,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  uri_too_long: 414,
  headers_too_large: 431,
  request_timeout: 408,
  rate_limited: 429,
  // Providers and storage
  provider_error: 502,
  provider_unavailable: 503,
  storage_error: 500,
  /** The database cannot be reached or is locked for longer than the wait allows; retry later. */
  storage_unavailable: 503,
  /** No space left where the database or the original files are written. */
  storage_full: 507,
  cancelled: 499,
  internal: 500,
} as const;

export type ErrorCode = keyof typeof errorCodes;

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

/** HTTP status for an error code: the single place where codes meet HTTP. */
export function httpStatusFor(code: ErrorCode): number {
  return errorCodes[code];
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
