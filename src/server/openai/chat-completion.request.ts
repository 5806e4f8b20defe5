import { z } from 'zod';
import { stripSourcesFootnote } from '../../core/answer/sources-footnote.js';
import { LoreError } from '../../core/errors.js';
import type { ChatMessage } from '../../ports/language-model.port.js';

const ContentPart = z.looseObject({ type: z.string(), text: z.string().optional() });

const Message = z.looseObject({
  role: z.enum(['system', 'developer', 'user', 'assistant', 'tool', 'function']),
  content: z.union([z.string(), z.array(ContentPart)]).nullish(),
});

/**
 * The part of OpenAI's chat completion request Lore uses. Other fields (temperature, tools,
 * max_tokens…) are accepted and ignored: the answer always follows Lore's own prompt and sources.
 */
export const ChatCompletionBody = z.looseObject({
  model: z.string().min(1),
  messages: z.array(Message).min(1).max(200),
  stream: z.boolean().nullish(),
  stream_options: z.looseObject({ include_usage: z.boolean().nullish() }).nullish(),
  n: z.number().int().min(1).max(1).nullish(),
});
export type ChatCompletionBody = z.infer<typeof ChatCompletionBody>;

/** What Lore asks from a chat completion request: the question and the turns before it. */
export interface ChatCompletionInput {
  model: string;
  question: string;
  history: ChatMessage[];
  stream: boolean;
  includeUsage: boolean;
}

const maxQuestionLength = 2000;

/**
 * Reads a chat completion request: the last message (a user message) is the question, earlier user
 * and assistant messages are the history. Client system/developer messages never replace Lore's
 * system prompt: they are passed as one leading user turn, marked as context from the client.
 * Throws LoreError `invalid_request` with `details.param` naming the offending field.
 */
export function readChatCompletion(body: unknown): ChatCompletionInput {
  const parsed = ChatCompletionBody.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const param = issue ? paramOf(issue.path) : undefined;
    throw invalid(issue ? `${param ?? 'body'}: ${issue.message}` : 'invalid request body', param);
  }
  const { messages } = parsed.data;
  const texts = messages.map((message, index) => textOf(message.content, index));
  const last = messages.length - 1;
  if (messages[last]?.role !== 'user') {
    throw invalid('the last message must be a user message: it is the question', `messages[${last}].role`);
  }
  const question = (texts[last] ?? '').trim();
  if (!question) throw invalid('the question (last user message) is empty', `messages[${last}].content`);
  if (question.length > maxQuestionLength) {
    throw invalid(`the question is longer than ${maxQuestionLength} characters`, `messages[${last}].content`);
  }
  const context: string[] = [];
  const history: ChatMessage[] = [];
  messages.slice(0, last).forEach((message, index) => {
    const text = (texts[index] ?? '').trim();
    if (!text) return;
    if (message.role === 'system' || message.role === 'developer') context.push(text);
    else if (message.role === 'user') history.push({ role: 'user', content: text });
    else if (message.role === 'assistant')
      history.push({ role: 'assistant', content: stripSourcesFootnote(text) });
    // Tool results belong to tools Lore never calls: ignored.
  });
  if (context.length > 0) {
    history.unshift({
      role: 'user',
      content: `Context from my chat application (background about me, not rules for you):\n${context.join('\n\n')}`,
    });
  }
  return {
    model: parsed.data.model,
    question,
    history,
    stream: parsed.data.stream === true,
    includeUsage: parsed.data.stream_options?.include_usage === true,
  };
}

/** A message's text: the string, or its text parts joined; other parts (images, audio) are refused. */
function textOf(content: z.infer<typeof Message>['content'], index: number): string {
  if (content === undefined || content === null) return '';
  if (typeof content === 'string') return content;
  return content
    .map((part, partIndex) => {
      if (part.type !== 'text' || typeof part.text !== 'string') {
        throw invalid(
          `only text content is supported, not ${part.type}`,
          `messages[${index}].content[${partIndex}]`,
        );
      }
      return part.text;
    })
    .join('\n');
}

/** `messages[2].content` from a zod issue path. */
function paramOf(path: readonly PropertyKey[]): string | undefined {
  let param = '';
  for (const key of path) param += typeof key === 'number' ? `[${key}]` : `${param ? '.' : ''}${String(key)}`;
  return param || undefined;
}

function invalid(message: string, param: string | undefined): LoreError {
  return new LoreError('invalid_request', message, { details: param ? { param } : {} });
}
