import type { Context } from 'hono';
import type { Citation } from '../../core/answer/citation.js';
import type { ChatEvent } from '../../core/conversation/chat.service.js';
import type { KnowledgeModel } from '../../core/conversation/knowledge-models.js';
import type { TokenUsage } from '../../ports/language-model.port.js';
import { httpStatusFor, requestError, retryAfterSeconds } from '../http-errors.js';

/** OpenAI's `usage` object. */
export interface CompletionUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

type AnswerEnd = Extract<ChatEvent, { type: 'answer-end' }>;

/** Lore's non-standard `lore` field: how the answer was made and the exact spans it cites. */
export interface LoreCompletionExtension {
  mode: AnswerEnd['mode'];
  questionId: string;
  /** The chat model that wrote the answer (absent for extractive answers and abstentions). */
  model?: string;
  citations: {
    n: number;
    documentId: string;
    title: string;
    fileName: string;
    page?: number;
    slide?: number;
    sheet?: string;
    /** The cited characters are `documentText.slice(start, end)`; `quote` is that text. */
    start: number;
    end: number;
    quote: string;
    /** For answers computed over a table: the sheet rows used ("rows 14–37"). */
    rows?: string;
  }[];
  /** The table computation, when the answer was computed over a table. */
  computation?: AnswerEnd['computation'];
}

/** `{id, object:'model', created, owned_by}` as in `GET /v1/models`. */
export function modelObject(model: KnowledgeModel) {
  return {
    id: model.id,
    object: 'model' as const,
    created: seconds(model.createdAt),
    owned_by: 'lore',
    ...(model.collection
      ? {
          lore: {
            collectionId: model.collection.id,
            name: model.collection.name,
            description: model.collection.description,
          },
        }
      : {}),
  };
}

/** OpenAI's usage from the model's token counts (0 when no model wrote the answer). */
export function usageOf(usage: TokenUsage | undefined): CompletionUsage {
  const prompt = usage?.inputTokens ?? 0;
  const completion = usage?.outputTokens ?? 0;
  return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion };
}

/** The `lore` extension of a finished answer. */
export function loreExtension(end: AnswerEnd): LoreCompletionExtension {
  return {
    mode: end.mode,
    questionId: end.questionId,
    ...(end.model ? { model: end.model } : {}),
    citations: end.citations.map(citationSpan),
    ...(end.computation ? { computation: end.computation } : {}),
  };
}

function citationSpan(citation: Citation): LoreCompletionExtension['citations'][number] {
  return {
    n: citation.n,
    documentId: citation.documentId,
    title: citation.title,
    fileName: citation.fileName,
    ...(citation.page === undefined ? {} : { page: citation.page }),
    ...(citation.slide === undefined ? {} : { slide: citation.slide }),
    ...(citation.sheet === undefined ? {} : { sheet: citation.sheet }),
    start: citation.start,
    end: citation.end,
    quote: citation.quote,
    ...(citation.table ? { rows: citation.table.rowsLabel } : {}),
  };
}

/** A `chat.completion` object (non-streaming answer). */
export function completionObject(
  id: string,
  model: string,
  created: number,
  content: string,
  end: AnswerEnd,
) {
  return {
    id,
    object: 'chat.completion' as const,
    created,
    model,
    system_fingerprint: null,
    choices: [
      {
        index: 0,
        message: { role: 'assistant' as const, content, refusal: null, annotations: [] },
        logprobs: null,
        finish_reason: 'stop' as const,
      },
    ],
    usage: usageOf(end.usage),
    lore: loreExtension(end),
  };
}

/** Builds the `chat.completion.chunk` objects of one streamed answer. */
export class ChunkWriter {
  constructor(
    private readonly id: string,
    private readonly model: string,
    private readonly created: number,
    private readonly includeUsage: boolean,
  ) {}

  /** A chunk with one choice (`finish_reason` null until the last one). */
  delta(
    delta: { role?: 'assistant'; content?: string },
    finishReason: 'stop' | null = null,
    extra: object = {},
  ) {
    return {
      ...this.head(),
      choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
      ...(this.includeUsage ? { usage: null } : {}),
      ...extra,
    };
  }

  /** The last chunk asked for by `stream_options.include_usage`: no choices, the usage. */
  usage(usage: CompletionUsage) {
    return { ...this.head(), choices: [], usage };
  }

  private head() {
    return {
      id: this.id,
      object: 'chat.completion.chunk' as const,
      created: this.created,
      model: this.model,
      system_fingerprint: null,
    };
  }
}

/** OpenAI's error body `{error:{message,type,param,code}}` and its status for any thrown error. */
export function openAiError(error: unknown): { status: number; body: OpenAiErrorBody } {
  const loreError = requestError(error);
  const status = httpStatusFor(loreError.code);
  const param = typeof loreError.details.param === 'string' ? loreError.details.param : null;
  const message = status >= 500 && loreError.code === 'internal' ? 'internal error' : loreError.message;
  const model = loreError.details.model;
  const [type, code] =
    loreError.code === 'not_found' && typeof model === 'string'
      ? ['invalid_request_error', 'model_not_found']
      : (openAiTypes[status] ??
        (status >= 500 ? ['server_error', loreError.code] : ['invalid_request_error', loreError.code]));
  return {
    status,
    body: { error: { message, type, param: typeof model === 'string' ? 'model' : param, code } },
  };
}

export interface OpenAiErrorBody {
  error: { message: string; type: string; param: string | null; code: string | null };
}

/** Types and codes OpenAI uses for these statuses. */
const openAiTypes: Record<number, [string, string]> = {
  401: ['invalid_request_error', 'invalid_api_key'],
  403: ['permission_error', 'insufficient_permissions'],
  429: ['rate_limit_error', 'rate_limit_exceeded'],
};

/** Responds with OpenAI's error shape (used for every `/v1/*` failure, authentication included). */
export function respondWithOpenAiError(c: Context, error: unknown): Response {
  const { status, body } = openAiError(error);
  const retryAfter = retryAfterSeconds(requestError(error));
  if (retryAfter !== undefined) c.header('Retry-After', String(Math.ceil(retryAfter)));
  return c.json(body, status as 400);
}

/** Unix seconds of an ISO timestamp. */
export function seconds(iso: string): number {
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? 0 : Math.floor(ms / 1000);
}
