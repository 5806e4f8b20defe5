import { describe, expect, it } from 'vitest';
import { LoreMetrics } from './metrics.js';

describe('LoreMetrics', () => {
  it('renders every family in Prometheus text, one registry per instance', async () => {
    const metrics = new LoreMetrics({
      processMetrics: false,
      queueCounts: async () => ({ queued: 3, running: 1 }),
      info: { version: '0.1.0', roles: 'api,worker' },
    });
    const other = new LoreMetrics({ processMetrics: false });
    metrics.observeRequest({ method: 'GET', route: '/api/v1/documents/:id', status: 200, ms: 12 });
    metrics.observeSearch({ lexicalMs: 2, denseMs: 0, totalMs: 3 });
    metrics.observeAnswer({
      userId: 'u1',
      model: 'm',
      inputTokens: 100,
      outputTokens: 20,
      ms: 800,
      costUsd: 0.01,
    });
    metrics.countIngest('added', 7);
    metrics.countError('not_found', 'http');
    const text = await metrics.render();
    expect(text).toContain(
      'lore_http_request_duration_seconds_count{method="GET",route="/api/v1/documents/:id",status="200"} 1',
    );
    expect(text).toContain('lore_retrieval_duration_seconds_count{stage="lexical"} 1');
    expect(text).not.toContain('stage="dense"');
    expect(text).toContain('lore_llm_tokens_total{user="u1",model="m",direction="input"} 100');
    expect(text).toContain('lore_llm_cost_usd_total{user="u1",model="m"} 0.01');
    expect(text).toContain('lore_ingest_documents_total{outcome="added"} 1');
    expect(text).toContain('lore_ingest_chunks_total 7');
    expect(text).toContain('lore_queue_jobs{state="queued"} 3');
    expect(text).toContain('lore_errors_total{code="not_found",source="http"} 1');
    expect(text).toContain('lore_info{version="0.1.0",roles="api,worker"} 1');
    expect(await other.render()).not.toContain('lore_ingest_chunks_total 7');
  });
});
