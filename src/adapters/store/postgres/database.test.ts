import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { LoreError } from '../../../core/errors.js';
import { createPool, unavailable } from './database.js';

/** A TCP server that accepts connections and never answers: a black-holed database host. */
async function blackHole(): Promise<{ port: number; server: Server; sockets: Socket[] }> {
  const sockets: Socket[] = [];
  const server = createServer((socket) => sockets.push(socket));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return { port: typeof address === 'object' && address ? address.port : 0, server, sockets };
}

describe('the PostgreSQL pool when the database is out of reach', () => {
  const servers: Server[] = [];
  afterAll(() => {
    for (const server of servers) server.close();
  });

  it('gives up after the connect timeout with storage_unavailable naming the database, not the TCP timeout', async () => {
    const hole = await blackHole();
    servers.push(hole.server);
    const pool = createPool({
      url: `postgres://lore:secret@127.0.0.1:${hole.port}/lore`,
      max: 2,
      connectTimeoutMs: 500,
    });
    const started = Date.now();
    const error = await pool.query('SELECT 1').catch((caught: unknown) => caught);
    const elapsed = Date.now() - started;
    for (const socket of hole.sockets) socket.destroy();
    await pool.end();
    expect(LoreError.is(error) && error.code).toBe('storage_unavailable');
    expect((error as LoreError).message).toMatch(
      /the database at postgres:\/\/lore:\*\*\*@127\.0\.0\.1:\d+\/lore is unavailable/,
    );
    expect((error as LoreError).message).not.toContain('secret');
    expect(elapsed).toBeGreaterThanOrEqual(450);
    expect(elapsed).toBeLessThan(2_000);
  });

  it('fails at once when the connection is refused, in transactions too', async () => {
    const hole = await blackHole();
    hole.server.close();
    const pool = createPool({ url: `postgres://lore@127.0.0.1:${hole.port}/lore`, max: 1 });
    const started = Date.now();
    const error = await pool.connect().catch((caught: unknown) => caught);
    await pool.end();
    expect(LoreError.is(error) && error.code).toBe('storage_unavailable');
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('reads server states that mean "not now" as unavailable, and leaves other errors alone', () => {
    const pgError = (code: string, message: string) => Object.assign(new Error(message), { code });
    for (const [code, message] of [
      ['57P01', 'terminating connection due to administrator command'],
      ['57P03', 'the database system is starting up'],
      ['08006', 'connection failure'],
      ['53300', 'sorry, too many clients already'],
    ] as const) {
      expect(unavailable(pgError(code, message), 'db')?.code).toBe('storage_unavailable');
    }
    expect(unavailable(new Error('Connection terminated unexpectedly'), 'db')?.code).toBe(
      'storage_unavailable',
    );
    expect(unavailable(pgError('23505', 'duplicate key value'), 'db')).toBeUndefined();
    expect(unavailable(pgError('42P01', 'relation "x" does not exist'), 'db')).toBeUndefined();
  });
});
