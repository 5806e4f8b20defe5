import { countTokens as countCl100k } from 'gpt-tokenizer/encoding/cl100k_base';

/** Special-token strings in a document (`<|endoftext|>`, `<|im_start|>`…) are text like any other. */
const asText = { disallowedSpecial: new Set<string>() };

/**
 * Counts tokens with the cl100k BPE vocabulary: close to what OpenAI-style embedders and chat
 * models see, and a safe over-estimate for most WordPiece models. Never throws on the text of a
 * document, chat-template markers included.
 */
export function countTokens(text: string): number {
  if (text.length === 0) return 0;
  counted.calls++;
  counted.chars += text.length;
  return countCl100k(text, asText);
}

/**
 * A cl100k token decodes to at most this many bytes (the longest entries are runs of spaces or
 * dashes, well under 256), and a UTF-16 unit is at least one byte: a text longer than
 * `maxTokens × maxTokenChars` certainly has more than `maxTokens` tokens, without counting them.
 */
export const maxTokenChars = 256;

/** True when `text` certainly has more than `maxTokens` tokens (see maxTokenChars). */
export function surelyOver(text: string, maxTokens: number): boolean {
  return text.length > maxTokens * maxTokenChars;
}

const wordCache = new Map<string, number>();
const wordCacheSize = 50_000;

/** Tokens of one short word, cached (a long text repeats its words: Zipf). */
export function countWordTokens(word: string): number {
  if (word.length > 32) return countTokens(word);
  let tokens = wordCache.get(word);
  if (tokens === undefined) {
    if (wordCache.size >= wordCacheSize) wordCache.clear();
    tokens = countTokens(word);
    wordCache.set(word, tokens);
  }
  return tokens;
}

const counted = { calls: 0, chars: 0 };

/** Calls of the BPE counter and characters given to it so far (tests check the work is linear). */
export function tokenCounterStats(): { calls: number; chars: number } {
  return { ...counted };
}
