export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export interface GenerateRequest {
  messages: ChatMessage[];
  maxOutputTokens?: number;
  temperature?: number;
  signal?: AbortSignal;
}

export interface TokenUsage {
  inputTokens?: number;
  outputTokens?: number;
}

/** A streamed completion: text deltas, then usage once the stream ends. */
export interface GenerateStream {
  textStream: AsyncIterable<string>;
  usage: Promise<TokenUsage>;
  /**
   * Id of the model that actually produced the text (another one than the LanguageModel's `id` after
   * a fallback); settles with `usage`. Absent: the LanguageModel's `id`.
   */
  modelId?: Promise<string>;
}

/** A chat model. */
export interface LanguageModel {
  /** Stable identifier of provider + model, e.g. `openai-compatible:llama3.1`. */
  readonly id: string;
  stream(request: GenerateRequest): GenerateStream;
}
