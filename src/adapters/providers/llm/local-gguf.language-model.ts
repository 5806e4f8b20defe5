import { open, stat } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import type { ChatHistoryItem, Llama, LlamaModel } from 'node-llama-cpp';
import { LoreError } from '../../../core/errors.js';
import type {
  ChatMessage,
  GenerateRequest,
  GenerateStream,
  LanguageModel,
  TokenUsage,
} from '../../../ports/language-model.port.js';
import { importOptional } from '../../optional-module.js';
import { deferred } from '../ai-sdk/ai-sdk.language-model.js';

/** Options for {@link LocalGgufLanguageModel}. */
export interface LocalGgufLanguageModelOptions {
  /** A GGUF model file (e.g. a Q4_K_M quantisation of Llama 3.2 3B Instruct); nothing is downloaded. */
  modelPath: string;
  /** Context window in tokens; default: the model's own, capped at 8192 to bound memory. */
  contextSize?: number;
  /** CPU threads; default: node-llama-cpp's choice. */
  threads?: number;
  /** Longest wait for the next token, in milliseconds. */
  timeoutMs?: number;
}

/** Why a file is not a loadable GGUF model, or undefined when its header looks right. */
export async function checkGgufFile(path: string): Promise<string | undefined> {
  const info = await stat(path).catch(() => undefined);
  if (!info) return `${path} does not exist`;
  if (!info.isFile()) return `${path} is not a file`;
  if (info.size < 24) return `${path} is too small to be a GGUF model (${info.size} bytes)`;
  const file = await open(path, 'r');
  try {
    const header = Buffer.alloc(8);
    await file.read(header, 0, 8, 0);
    if (header.subarray(0, 4).toString('latin1') !== 'GGUF') {
      return `${path} is not a GGUF file (it starts with ${JSON.stringify(header.subarray(0, 4).toString('latin1'))}, not "GGUF")`;
    }
    const version = header.readUInt32LE(4);
    if (version < 2 || version > 3)
      return `${path} is GGUF version ${version}; llama.cpp reads versions 2 and 3`;
    return undefined;
  } finally {
    await file.close();
  }
}

/**
 * A LanguageModel running a local GGUF file on the CPU with node-llama-cpp (llama.cpp bindings,
 * prebuilt binaries from npm). Never downloads or compiles anything: `build: 'never'`. The model
 * loads once, lazily; each request gets its own context sequence, so answers run one at a time per
 * context.
 *
 * @example
 * const llm = new LocalGgufLanguageModel({ modelPath: '/models/Llama-3.2-3B-Instruct-Q4_K_M.gguf' });
 */
export class LocalGgufLanguageModel implements LanguageModel {
  readonly id: string;
  private readonly path: string;
  private loading: Promise<{ llama: Llama; model: LlamaModel }> | undefined;

  constructor(private readonly options: LocalGgufLanguageModelOptions) {
    if (options.modelPath.trim() === '') {
      throw new LoreError('invalid_config', 'The local chat model path is empty (LORE_LLM_MODEL_PATH).');
    }
    this.path = resolve(options.modelPath);
    this.id = `local-gguf:${basename(this.path).replace(/\.gguf$/i, '')}`;
  }

  /** Loads the model now (for `lore models --load`); later calls reuse it. */
  load(): Promise<{ llama: Llama; model: LlamaModel }> {
    this.loading ??= this.loadOnce().catch((error: unknown) => {
      this.loading = undefined;
      throw error;
    });
    return this.loading;
  }

  /** Frees the model and the llama.cpp backend. */
  async close(): Promise<void> {
    const loaded = await this.loading?.catch(() => undefined);
    this.loading = undefined;
    await loaded?.model.dispose();
    await loaded?.llama.dispose();
  }

  stream(request: GenerateRequest): GenerateStream {
    const usage = deferred<TokenUsage>();
    const modelId = deferred<string>();
    const self = this;
    async function* textStream(): AsyncGenerator<string> {
      const stop = new AbortController();
      const signal = request.signal ? AbortSignal.any([request.signal, stop.signal]) : stop.signal;
      const chunks: string[] = [];
      let wake: (() => void) | undefined;
      let done = false;
      let failure: unknown;
      try {
        if (request.signal?.aborted)
          throw new LoreError('cancelled', 'The local model request was cancelled.');
        const { model } = await self.load();
        const context = await model.createContext({
          contextSize: { max: self.options.contextSize ?? 8192 },
          ...(self.options.threads ? { threads: self.options.threads } : {}),
        });
        const { LlamaChatSession } = await importOptional(
          () => import('node-llama-cpp'),
          'node-llama-cpp',
          'A local GGUF chat model',
        );
        const sequence = context.getSequence();
        const { system, history, prompt } = splitMessages(request.messages);
        const session = new LlamaChatSession({
          contextSequence: sequence,
          ...(system ? { systemPrompt: system } : {}),
        });
        if (history.length > 0) session.setChatHistory([{ type: 'system', text: system ?? '' }, ...history]);
        const push = (text: string) => {
          chunks.push(text);
          wake?.();
        };
        const running = session
          .prompt(prompt, {
            onTextChunk: push,
            signal,
            ...(request.maxOutputTokens ? { maxTokens: request.maxOutputTokens } : {}),
            ...(request.temperature === undefined ? {} : { temperature: request.temperature }),
          })
          .then(
            () => {
              const meter = sequence.tokenMeter;
              usage.resolve({ inputTokens: meter.usedInputTokens, outputTokens: meter.usedOutputTokens });
              modelId.resolve(self.id);
            },
            (error: unknown) => {
              failure = error;
            },
          )
          .finally(() => {
            done = true;
            wake?.();
          });
        let timer: NodeJS.Timeout | undefined;
        try {
          while (!done || chunks.length > 0) {
            if (chunks.length > 0) {
              yield chunks.shift() as string;
              continue;
            }
            await new Promise<void>((resolveWait) => {
              wake = resolveWait;
              if (self.options.timeoutMs) {
                clearTimeout(timer);
                timer = setTimeout(() => stop.abort(new Error('timeout')), self.options.timeoutMs);
              }
            });
          }
        } finally {
          clearTimeout(timer);
          stop.abort();
          await running;
          await context.dispose();
        }
        if (failure !== undefined) throw failure;
      } catch (error) {
        const loreError = LoreError.is(error)
          ? error
          : request.signal?.aborted
            ? new LoreError('cancelled', 'The local model request was cancelled.')
            : new LoreError(
                'provider_error',
                `The local model ${self.id} failed: ${(error as Error).message}`,
                {
                  cause: error,
                },
              );
        usage.reject(loreError);
        modelId.reject(loreError);
        throw loreError;
      } finally {
        const closed = new LoreError('cancelled', 'The chat stream was closed before it finished.');
        usage.reject(closed);
        modelId.reject(closed);
      }
    }
    return { textStream: textStream(), usage: usage.promise, modelId: modelId.promise };
  }

  private async loadOnce(): Promise<{ llama: Llama; model: LlamaModel }> {
    const problem = await checkGgufFile(this.path);
    if (problem) {
      throw new LoreError(
        'invalid_config',
        `The local chat model cannot be used: ${problem}. Set LORE_LLM_MODEL_PATH to a GGUF file ` +
          '(for example a Q4_K_M quantisation of an instruct model; `lore models` checks it).',
        { details: { path: this.path } },
      );
    }
    const { getLlama, LlamaLogLevel } = await importOptional(
      () => import('node-llama-cpp'),
      'node-llama-cpp',
      'A local GGUF chat model',
    );
    const llama = await getLlama({
      gpu: false,
      build: 'never',
      progressLogs: false,
      logLevel: LlamaLogLevel.error,
    });
    try {
      const model = await llama.loadModel({ modelPath: this.path });
      return { llama, model };
    } catch (error) {
      await llama.dispose();
      throw new LoreError(
        'invalid_config',
        `The local chat model ${this.path} could not be loaded by llama.cpp: ${(error as Error).message}`,
        { cause: error, details: { path: this.path } },
      );
    }
  }
}

/** System prompt, earlier turns and the last user message, as node-llama-cpp's chat session wants them. */
function splitMessages(messages: readonly ChatMessage[]): {
  system: string | undefined;
  history: ChatHistoryItem[];
  prompt: string;
} {
  const system = messages
    .filter((message) => message.role === 'system')
    .map((message) => message.content)
    .join('\n\n');
  const turns = messages.filter((message) => message.role !== 'system');
  const last = turns.at(-1);
  if (last?.role !== 'user') {
    throw new LoreError('invalid_request', 'A chat request must end with a user message.');
  }
  const history: ChatHistoryItem[] = turns
    .slice(0, -1)
    .map((message) =>
      message.role === 'user'
        ? { type: 'user', text: message.content }
        : { type: 'model', response: [message.content] },
    );
  return { system: system || undefined, history, prompt: last.content };
}
