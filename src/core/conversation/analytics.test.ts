import { describe, expect, it } from 'vitest';
import { percentile, summarize, toCsv } from './analytics.js';
import type { QuestionRecord } from './conversation.records.js';

const record = (overrides: Partial<QuestionRecord>): QuestionRecord => ({
  id: 'q',
  at: '2026-11-20T10:00:00.000Z',
  question: 'what?',
  collectionIds: [],
  mode: 'generated',
  latencyMs: 100,
  citedDocumentIds: [],
  channel: 'api',
  ...overrides,
});

describe('analytics', () => {
  it('aggregates per day, model, user, feedback and cited documents', () => {
    const summary = summarize([
      record({
        id: 'a',
        model: 'm1',
        userId: 'u1',
        inputTokens: 10,
        outputTokens: 5,
        costUsd: 0.5,
        citedDocumentIds: ['d1', 'd2'],
        feedback: 'up',
      }),
      record({
        id: 'b',
        model: 'm1',
        userId: 'u2',
        latencyMs: 300,
        citedDocumentIds: ['d1'],
        feedback: 'down',
      }),
      record({
        id: 'c',
        at: '2026-11-21T09:00:00.000Z',
        mode: 'abstained',
        latencyMs: 50,
        question: 'unknown?',
      }),
    ]);
    expect(summary.questions).toBe(3);
    expect(summary.days).toEqual([
      { day: '2026-11-20', questions: 2, latencyP50Ms: 100, latencyP95Ms: 300 },
      { day: '2026-11-21', questions: 1, latencyP50Ms: 50, latencyP95Ms: 50 },
    ]);
    expect(summary.byModel[0]).toEqual({
      key: 'm1',
      questions: 2,
      inputTokens: 10,
      outputTokens: 5,
      costUsd: 0.5,
    });
    expect(summary.feedback).toEqual({ up: 1, down: 1 });
    expect(summary.topDocuments[0]).toEqual({ documentId: 'd1', citations: 2 });
    expect(summary.unanswered).toEqual([{ id: 'c', at: '2026-11-21T09:00:00.000Z', question: 'unknown?' }]);
  });

  it('takes nearest-rank percentiles', () => {
    expect(percentile([5, 1, 3, 2, 4], 0.5)).toBe(3);
    expect(percentile([], 0.95)).toBe(0);
  });

  it('writes CSV that quotes separators and defuses formulas', () => {
    const csv = toCsv([record({ question: 'a, "b"\nc' }), record({ question: '=HYPERLINK("x")' })]);
    const lines = csv.split('\r\n');
    expect(lines[0]).toMatch(/^id,at,userId,channel,question,/);
    expect(csv).toContain('"a, ""b""\nc"');
    expect(csv).toContain(`"'=HYPERLINK(""x"")"`);
  });
});
