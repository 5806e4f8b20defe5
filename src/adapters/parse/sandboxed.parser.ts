import { readdir, rm, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { ParsedDocument } from '../../core/document.js';
import { LoreError } from '../../core/errors.js';
import type { DocumentParsing, ParseLimits } from '../../ports/parser.port.js';
import type { ParseRequest, ParseResponse } from './parse-request.js';

export interface SandboxOptions {
  /** Wall-clock limit for one document. */
  timeoutMs: number;
  /** V8 heap limit of a parse worker, in MiB. */
  memoryMb: number;
  /** Parallel parse workers. */
  concurrency: number;
  /** Documents a worker parses before it is replaced (bounds leaks in third-party parsers). */
  recycleAfter: number;
  limits: ParseLimits;
}

export interface SandboxInput {
  bytes: Uint8Array;
  fileName: string;
  password?: string;
}

interface Slot {
  worker: Worker;
  uses: number;
  /** The worker ran a parser that may leave global state behind. */
  tainted: boolean;
}

const runningFromSources = import.meta.url.endsWith('.ts');

/**
 * The worker entry: the compiled `parse.worker.js`, or, when running from TypeScript sources
 * (tests), a bootstrap that registers the tsx loader inside the worker before importing the `.ts`.
 */
function workerEntry(): { source: URL | string; eval: boolean } {
  if (!runningFromSources) return { source: new URL('./parse.worker.js', import.meta.url), eval: false };
  const tsxApi = createRequire(import.meta.url)
    .resolve('tsx/esm/api')
    .replace(/\.cjs$/, '.mjs');
  const target = new URL('./parse.worker.ts', import.meta.url).href;
  const code = `import(${JSON.stringify(pathToFileURL(tsxApi).href)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(target)}); });`;
  return { source: code, eval: true };
}

/**
 * Parses documents in worker threads with a heap limit, a wall-clock timeout and an external-memory
 * watchdog. A hostile file kills only its worker: the caller gets a LoreError naming the file and
 * the next document gets a fresh worker.
 */
export class SandboxedParser implements DocumentParsing {
  private readonly idle: Slot[] = [];
  private readonly waiting: ((slot: Slot) => void)[] = [];
  private live = 0;
  private nextId = 1;
  private closed = false;

  constructor(private readonly options: SandboxOptions) {
    void sweepStaleOcrFolders();
  }

  /** Parses one document; rejects with LoreError (`parse_timeout`, `parse_out_of_memory`, ...). */
  async parse(input: SandboxInput): Promise<ParsedDocument> {
    const slot = await this.acquire();
    let healthy = false;
    try {
      const document = await this.run(slot, input);
      healthy = true;
      return document;
    } catch (error) {
      healthy = LoreError.is(error) && error.details.workerAlive === true;
      throw error;
    } finally {
      this.release(slot, healthy);
    }
  }

  /** Terminates every worker. */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.idle.splice(0).map((slot) => slot.worker.terminate()));
  }

  private run(slot: Slot, input: SandboxInput): Promise<ParsedDocument> {
    const id = this.nextId++;
    const { timeoutMs, memoryMb } = this.options;
    return new Promise<ParsedDocument>((resolve, reject) => {
      const baselineRss = process.memoryUsage().rss;
      const externalLimit = baselineRss + memoryMb * 2 * 1024 * 1024;
      const finish = (outcome: () => void) => {
        clearTimeout(timer);
        clearInterval(watchdog);
        slot.worker.off('message', onMessage);
        slot.worker.off('error', onError);
        slot.worker.off('exit', onExit);
        outcome();
      };
      const kill = (error: LoreError) => {
        finish(() => reject(error));
        void slot.worker.terminate();
      };
      const timer = setTimeout(() => {
        kill(
          new LoreError(
            'parse_timeout',
            `${input.fileName}: parsing took longer than ${Math.round(timeoutMs / 1000)} s and was stopped (LORE_PARSE_TIMEOUT_MS)`,
          ),
        );
      }, timeoutMs);
      const watchdog = setInterval(() => {
        if (process.memoryUsage().rss > externalLimit) kill(outOfMemory(input.fileName, memoryMb));
      }, 50);
      const onMessage = (response: ParseResponse) => {
        if (response.id !== id) return;
        slot.tainted ||= response.recycle;
        if (response.ok) finish(() => resolve(response.document));
        else {
          const details = { ...(response.error.details ?? {}), workerAlive: true };
          finish(() => reject(new LoreError(response.error.code, response.error.message, { details })));
        }
      };
      const onError = (error: Error & { code?: string }) => {
        finish(() =>
          reject(
            error.code === 'ERR_WORKER_OUT_OF_MEMORY'
              ? outOfMemory(input.fileName, memoryMb)
              : new LoreError('parse_failed', `${input.fileName}: the parser crashed (${error.message})`),
          ),
        );
      };
      const onExit = (code: number) => {
        finish(() =>
          reject(new LoreError('parse_failed', `${input.fileName}: the parser exited (code ${code})`)),
        );
      };
      slot.worker.on('message', onMessage);
      slot.worker.on('error', onError);
      slot.worker.on('exit', onExit);
      const request: ParseRequest = {
        id,
        bytes: input.bytes,
        fileName: input.fileName,
        limits: this.options.limits,
        ...(input.password === undefined ? {} : { password: input.password }),
      };
      slot.worker.postMessage(request);
    });
  }

  private acquire(): Promise<Slot> {
    if (this.closed) return Promise.reject(new LoreError('cancelled', 'the parser is shut down'));
    const slot = this.idle.pop();
    if (slot) return Promise.resolve(slot);
    if (this.live < this.options.concurrency) {
      this.live++;
      return Promise.resolve(this.spawn());
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private release(slot: Slot, healthy: boolean): void {
    slot.uses++;
    let next = slot;
    if (!healthy || slot.tainted || slot.uses >= this.options.recycleAfter || this.closed) {
      void slot.worker.terminate();
      if (this.closed) {
        this.live--;
        return;
      }
      next = this.spawn();
    }
    const waiter = this.waiting.shift();
    if (waiter) waiter(next);
    else this.idle.push(next);
  }

  private spawn(): Slot {
    const entry = workerEntry();
    const worker = new Worker(entry.source, {
      eval: entry.eval,
      resourceLimits: {
        maxOldGenerationSizeMb: this.options.memoryMb,
        maxYoungGenerationSizeMb: Math.min(64, Math.max(16, this.options.memoryMb / 8)),
        stackSizeMb: 8,
      },
    });
    worker.unref();
    return { worker, uses: 0, tainted: false };
  }
}

function outOfMemory(fileName: string, memoryMb: number): LoreError {
  return new LoreError(
    'parse_out_of_memory',
    `${fileName}: parsing needed more than ${memoryMb} MiB of memory and was stopped (LORE_PARSE_MEMORY_MB)`,
  );
}

/**
 * Removes OCR scratch folders left behind by workers that were terminated mid-page (older than an
 * hour, far beyond any page timeout).
 */
async function sweepStaleOcrFolders(): Promise<void> {
  const root = tmpdir();
  const names = await readdir(root).catch(() => [] as string[]);
  const cutoff = Date.now() - 60 * 60 * 1000;
  for (const name of names) {
    if (!name.startsWith('lore-pdf-ocr-')) continue;
    const path = join(root, name);
    const info = await stat(path).catch(() => undefined);
    if (info && info.mtimeMs < cutoff)
      await rm(path, { recursive: true, force: true }).catch(() => undefined);
  }
}
