import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { LoreError } from '../../core/errors.js';
import { type OriginPolicy, refuseCrossOrigin } from './same-origin.js';

async function verdict(headers: Record<string, string>, policy: Partial<OriginPolicy> = {}) {
  const app = new Hono();
  app.post('/x', (c) => {
    refuseCrossOrigin(c, { allowedOrigins: [], trustProxy: false, ...policy });
    return c.text('ok');
  });
  app.onError((error, c) => c.text(LoreError.is(error) ? error.code : 'internal', 403));
  const response = await app.request('http://lore.example.com/x', { method: 'POST', headers });
  return response.status === 200 ? 'allowed' : await response.text();
}

describe('refuseCrossOrigin', () => {
  it('allows requests without Origin, same-origin ones and listed origins', async () => {
    expect(await verdict({})).toBe('allowed');
    expect(await verdict({ host: 'lore.example.com', origin: 'https://lore.example.com' })).toBe('allowed');
    expect(
      await verdict({
        host: 'lore:7860',
        origin: 'https://lore.example.com',
        'sec-fetch-site': 'same-origin',
      }),
    ).toBe('allowed');
    expect(
      await verdict(
        { host: 'lore.example.com', origin: 'https://app.example.com' },
        { allowedOrigins: ['https://app.example.com/'] },
      ),
    ).toBe('allowed');
    expect(
      await verdict(
        { host: 'lore:7860', origin: 'https://lore.example.com', 'x-forwarded-host': 'lore.example.com' },
        { trustProxy: true },
      ),
    ).toBe('allowed');
  });

  it('refuses other origins, "null" and forwarded hosts from an untrusted proxy', async () => {
    expect(await verdict({ host: 'lore.example.com', origin: 'https://evil.example.net' })).toBe('forbidden');
    expect(
      await verdict({
        host: 'lore.example.com',
        origin: 'https://evil.example.net',
        'sec-fetch-site': 'cross-site',
      }),
    ).toBe('forbidden');
    expect(await verdict({ host: 'lore.example.com', origin: 'null' })).toBe('forbidden');
    expect(
      await verdict({
        host: 'lore:7860',
        origin: 'https://evil.example.net',
        'x-forwarded-host': 'evil.example.net',
      }),
    ).toBe('forbidden');
    expect(
      await verdict({
        host: 'lore.example.com',
        origin: 'https://lore.example.com.evil.net',
        'sec-fetch-site': 'same-site',
      }),
    ).toBe('forbidden');
  });
});
