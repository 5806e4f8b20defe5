import type { ParsedDocument } from '../../core/document.js';
import type { ErrorCode } from '../../core/errors.js';
import type { ParseLimits } from '../../ports/parser.port.js';

/** Message sent to a parse worker. */
export interface ParseRequest {
  id: number;
  bytes: Uint8Array;
  fileName: string;
  password?: string;
  limits: ParseLimits;
}

/** Message a parse worker answers with. */
export type ParseResponse = {
  id: number /** The worker should be replaced after this document. */;
  recycle: boolean;
} & (
  | { ok: true; document: ParsedDocument }
  | { ok: false; error: { code: ErrorCode; message: string; details?: Record<string, unknown> } }
);
