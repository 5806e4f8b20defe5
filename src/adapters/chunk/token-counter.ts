import { countTokens as countCl100k } from 'gpt-tokenizer/encoding/cl100k_base';

/**
 * Counts tokens with the cl100k BPE vocabulary: close to what OpenAI-style embedders and chat
 * models see, and a safe over-estimate for most WordPiece models.
 */
export function countTokens(text: string): number {
  return text.length === 0 ? 0 : countCl100k(text);
}
