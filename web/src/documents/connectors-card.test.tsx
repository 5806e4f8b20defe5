import { describe, expect, it } from 'vitest';
import { connectorSource } from './connectors-card.js';

describe('connectorSource', () => {
  it('names where each kind syncs from', () => {
    expect(connectorSource({ kind: 's3', s3: { bucket: 'docs', prefix: 'hr/' } })).toBe('s3://docs/hr/');
    expect(connectorSource({ kind: 'git', git: { url: 'ssh://git@host/repo.git' } })).toBe(
      'ssh://git@host/repo.git',
    );
    expect(
      connectorSource({ kind: 'web', web: { url: 'https://example.com/docs/', depth: 2, maxPages: 50 } }),
    ).toBe('https://example.com/docs/ (depth 2, up to 50 pages)');
  });
});
