import type { TextBlock } from '../../core/document.js';
import { countTokens, countWordTokens, surelyOver } from './token-counter.js';

/** A contiguous piece of the document text that the packer treats as indivisible. */
export interface Segment {
  start: number;
  end: number;
  tokens: number;
  /** The block this segment comes from. */
  block: TextBlock;
  /** True for the first segment of a block. */
  firstOfBlock: boolean;
}

const sentenceSegmenter = new Intl.Segmenter('en', { granularity: 'sentence' });

/**
 * Cuts a block into segments no larger than `maxTokens`: the whole block when it fits, otherwise
 * its sentences, and words for sentences that are still too long.
 */
export function segmentBlock(text: string, block: TextBlock, maxTokens: number): Segment[] {
  const content = text.slice(block.start, block.end);
  // A huge block (a 50 MB line) is not counted whole: it is certainly over and gets split anyway.
  const tokens = surelyOver(content, maxTokens) ? Number.POSITIVE_INFINITY : countTokens(content);
  if (tokens <= maxTokens) return [{ start: block.start, end: block.end, tokens, block, firstOfBlock: true }];
  const pieces: { start: number; end: number; tokens: number }[] = [];
  for (const sentence of sentenceSegmenter.segment(content)) {
    const start = block.start + sentence.index;
    const end = start + sentence.segment.trimEnd().length;
    if (end <= start) continue;
    const sentenceTokens = surelyOver(sentence.segment, maxTokens)
      ? Number.POSITIVE_INFINITY
      : countTokens(sentence.segment);
    if (sentenceTokens <= maxTokens) pieces.push({ start, end, tokens: sentenceTokens });
    else for (const piece of splitByWords(text, start, end, maxTokens)) pieces.push(piece);
  }
  return pieces.map((piece, index) => ({ ...piece, block, firstOfBlock: index === 0 }));
}

function splitByWords(text: string, start: number, end: number, maxTokens: number) {
  const out: { start: number; end: number; tokens: number }[] = [];
  const words = /\S+/g;
  words.lastIndex = start;
  let pieceStart = -1;
  let pieceEnd = start;
  let pieceTokens = 0;
  for (let match = words.exec(text); match && match.index < end; match = words.exec(text)) {
    const wordEnd = Math.min(end, match.index + match[0].length);
    const wordTokens = countWordTokens(text.slice(match.index, wordEnd)) + 1;
    if (pieceStart >= 0 && pieceTokens + wordTokens > maxTokens) {
      out.push({ start: pieceStart, end: pieceEnd, tokens: pieceTokens });
      pieceStart = -1;
      pieceTokens = 0;
    }
    if (pieceStart < 0) pieceStart = match.index;
    pieceEnd = wordEnd;
    pieceTokens += wordTokens;
  }
  if (pieceStart >= 0) out.push({ start: pieceStart, end: pieceEnd, tokens: pieceTokens });
  return out;
}
