import { countTokens as countCl100k } from 'gpt-tokenizer/encoding/cl100k_base';

/** Special-token strings in a document (`<|endoftext|>`, `<|im_start|>`…) are text like any other. */
const asText = { disallowedSpecial: new Set<string>() };

/**
 * Counts tokens with the cl100k BPE vocabulary: close to what OpenAI-style embedders and chat
 * models see, and a safe over-estimate for most WordPiece models. Never throws on the text of a
 * document, chat-template markers included.
 */
export function countTokens(text: string): number {
  return text.length === 0 ? 0 : countCl100k(text, asText);
}
