import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { requireBuiltCli } from '../fixtures/cli.js';
import { type ServeProcess, startServe, uploadFiles, waitForJob } from '../fixtures/serve.js';

const running: ServeProcess[] = [];
const dirs: string[] = [];
beforeAll(() => requireBuiltCli());
afterEach(async () => {
  await Promise.all(running.splice(0).map((server) => server.stop('SIGKILL')));
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function dataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'lore-serve-'));
  dirs.push(dir);
  return dir;
}

async function serve(env: Record<string, string>): Promise<ServeProcess> {
  const server = await startServe(env);
  running.push(server);
  return server;
}

function logLines(output: string): Record<string, unknown>[] {
  return output
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('lore serve lifecycle', () => {
  it('answers the probes, then stops cleanly on SIGTERM: closes the database and exits 0', async () => {
    const server = await serve({ LORE_DATA_DIR: dataDir() });
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    const ready = await fetch(`${server.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await (await fetch(`${server.url}/metrics`)).text()).toContain('lore_info{version=');
    const { code, ms } = await server.stop('SIGTERM');
    expect(code).toBe(0);
    expect(ms).toBeLessThan(5_000);
    const messages = logLines(server.output()).map((line) => line.msg);
    expect(messages).toEqual(expect.arrayContaining(['shutting down', 'stopped']));
  });

  it('exits within LORE_SHUTDOWN_TIMEOUT_MS even when a client never finishes its request', async () => {
    const server = await serve({ LORE_DATA_DIR: dataDir(), LORE_SHUTDOWN_TIMEOUT_MS: '1500' });
    const { port } = new URL(server.url);
    const socket = connect(Number(port), '127.0.0.1');
    await new Promise((resolve) => socket.once('connect', resolve));
    socket.on('error', () => undefined);
    socket.write(
      'POST /api/v1/documents HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=b\r\nContent-Length: 100000\r\n\r\n--b\r\n',
    );
    await new Promise((resolve) => setTimeout(resolve, 200));
    const { code, ms } = await server.stop('SIGTERM');
    socket.destroy();
    expect(code).toBe(0);
    expect(ms).toBeGreaterThan(800);
    expect(ms).toBeLessThan(4_000);
    const stopped = logLines(server.output()).find((line) => line.msg === 'stopped');
    expect(stopped).toMatchObject({ connectionsDrained: false });
  });

  it('LORE_ROLES splits the API and the worker over two processes on one database', async () => {
    const dir = dataDir();
    const api = await serve({ LORE_DATA_DIR: dir, LORE_ROLES: 'api' });
    const worker = await serve({ LORE_DATA_DIR: dir, LORE_ROLES: 'worker' });
    // The worker process serves only probes and metrics.
    expect((await fetch(`${worker.url}/readyz`)).status).toBe(200);
    expect((await fetch(`${worker.url}/api/v1/search?q=x`)).status).toBe(404);
    const [jobId] = await uploadFiles(api.url, [
      {
        name: 'kitchen.txt',
        bytes: new TextEncoder().encode('The staff kitchen closes at nine every evening.'),
      },
    ]);
    expect(await waitForJob(api.url, jobId!)).toBe('done');
    const search = (await (await fetch(`${api.url}/api/v1/search?q=kitchen`)).json()) as {
      hits: { document: { fileName: string } }[];
    };
    expect(search.hits[0]?.document.fileName).toBe('kitchen.txt');
    expect(await (await fetch(`${worker.url}/metrics`)).text()).toContain(
      'lore_ingest_documents_total{outcome="added"} 1',
    );
    expect((await worker.stop()).code).toBe(0);
    expect((await api.stop()).code).toBe(0);
  });
});
