import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bisectCapacity, runOpenLoop, schedule, stepStats } from './open-loop.js';

// The generator's schedule and maths on a tiny local HTTP server; no timing is asserted.

let server: Server;
let url: string;
const seen: number[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    const index = Number(new URL(req.url ?? '/', 'http://x').searchParams.get('i'));
    seen.push(index);
    // Every fifth request fails; the 7th is held back until the 9th has been received.
    const answer = () => {
      res.statusCode = index % 5 === 4 ? 503 : 200;
      res.end('ok');
    };
    if (index === 7) {
      const wait = setInterval(() => {
        if (seen.includes(9)) {
          clearInterval(wait);
          answer();
        }
      }, 5);
    } else answer();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('open-loop generator', () => {
  it('schedules rate × seconds sends at i / rate', () => {
    expect(schedule(4, 2)).toEqual([0, 250, 500, 750, 1000, 1250, 1500, 1750]);
    expect(schedule(100, 0.5)).toHaveLength(50);
    expect(schedule(3, 0)).toEqual([]);
  });

  it('sends on schedule without waiting for a held response, and counts errors', async () => {
    const samples = await runOpenLoop(50, 0.4, async (i, signal) => {
      const response = await fetch(`${url}/?i=${i}`, { signal });
      await response.text();
      return response.status;
    });
    expect(samples.map((s) => s.scheduledMs)).toEqual(schedule(50, 0.4));
    // Request 9 reached the server although request 7 had not been answered: open loop.
    expect(seen).toContain(9);
    expect(samples.every((s) => s.ms >= 0)).toBe(true);
    const stats = stepStats(50, 0.4, samples);
    expect(stats.sent).toBe(20);
    expect(stats.errors).toBe(4);
    expect(stats.completed).toBe(16);
    expect(stats.achievedRate).toBe(40);
  });

  it('computes nearest-rank percentiles and records transport errors', () => {
    const samples = Array.from({ length: 100 }, (_, i) => ({ scheduledMs: i * 10, ms: i + 1, status: 200 }));
    samples.push({ scheduledMs: 1000, ms: 500, status: 0, error: 'ECONNRESET' } as never);
    const stats = stepStats(101, 1, samples);
    expect(stats).toMatchObject({ p50: 51, p90: 91, p99: 100, max: 500, errors: 1, completed: 100 });
  });

  it('bisects to the highest good rate', async () => {
    const tried: number[] = [];
    const capacity = await bisectCapacity(
      100,
      200,
      async (rate) => {
        tried.push(rate);
        return rate <= 137;
      },
      5,
    );
    expect(capacity).toBeGreaterThanOrEqual(133);
    expect(capacity).toBeLessThanOrEqual(137);
    expect(tried[0]).toBe(150);
  });
});
