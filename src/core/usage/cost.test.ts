import { describe, expect, it } from 'vitest';
import { costUsd, priceFor, summarizeUsage, type UsageRecord } from './cost.js';

const prices = {
  'openai:gpt-4o-mini': { input: 0.15, output: 0.6 },
  'claude-haiku-4-5': { input: 1, output: 5 },
};

describe('cost accounting', () => {
  it('prices a call per million input and output tokens, by model id or bare name', () => {
    expect(costUsd('openai:gpt-4o-mini', { inputTokens: 1000, outputTokens: 200 }, prices)).toBe(0.00027);
    expect(costUsd('anthropic:claude-haiku-4-5', { inputTokens: 2_000_000, outputTokens: 0 }, prices)).toBe(
      2,
    );
    expect(priceFor('groq:llama', prices)).toBeUndefined();
    expect(costUsd('groq:llama', { inputTokens: 5 }, prices)).toBeUndefined();
    expect(costUsd('openai:gpt-4o-mini', {}, prices)).toBeUndefined();
  });

  it('sums usage by user, collection and model', () => {
    const record = (model: string, userId: string, collectionIds: string[], cost?: number): UsageRecord => ({
      at: '2026-01-01T00:00:00Z',
      model,
      purpose: 'answer',
      inputTokens: 10,
      outputTokens: 5,
      collectionIds,
      userId,
      ...(cost === undefined ? {} : { costUsd: cost }),
    });
    const records = [
      record('a', 'u1', ['c1'], 0.1),
      record('a', 'u2', ['c1', 'c2'], 0.2),
      record('b', 'u1', []),
    ];
    expect(summarizeUsage(records, 'model').get('a')).toEqual({
      calls: 2,
      inputTokens: 20,
      outputTokens: 10,
      costUsd: 0.3,
      unpricedCalls: 0,
    });
    expect(summarizeUsage(records, 'user').get('u1')).toMatchObject({
      calls: 2,
      costUsd: 0.1,
      unpricedCalls: 1,
    });
    expect([...summarizeUsage(records, 'collection').keys()]).toEqual(['c1', 'c2', 'none']);
  });
});
