import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GenerateStream } from '../../../ports/language-model.port.js';
import { checkGgufFile, LocalGgufLanguageModel } from './local-gguf.language-model.js';

let folder: string;
beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'lore-gguf-'));
});
afterAll(() => rm(folder, { recursive: true, force: true }));

async function collect(stream: GenerateStream): Promise<string> {
  let text = '';
  for await (const delta of stream.textStream) text += delta;
  return text;
}

/** A GGUF v3 header with no tensors and no metadata: valid magic, not a usable model. */
function emptyGguf(): Buffer {
  const header = Buffer.alloc(24);
  header.write('GGUF', 0, 'latin1');
  header.writeUInt32LE(3, 4);
  header.writeBigUInt64LE(0n, 8); // tensor count
  header.writeBigUInt64LE(0n, 16); // metadata count
  return header;
}

describe('LocalGgufLanguageModel', () => {
  const messages = [{ role: 'user' as const, content: 'Hello' }];

  it('reports a missing file as invalid_config naming the setting, without loading llama.cpp', async () => {
    const llm = new LocalGgufLanguageModel({ modelPath: join(folder, 'absent.gguf') });
    expect(llm.id).toBe('local-gguf:absent');
    const stream = llm.stream({ messages });
    await expect(collect(stream)).rejects.toMatchObject({
      code: 'invalid_config',
      message: expect.stringMatching(/absent\.gguf does not exist\. Set LORE_LLM_MODEL_PATH to a GGUF file/),
    });
    await expect(stream.usage).rejects.toMatchObject({ code: 'invalid_config' });
  });

  it('checks the GGUF magic and version before handing the file to llama.cpp', async () => {
    const notGguf = join(folder, 'model.bin');
    await writeFile(notGguf, Buffer.from('PK\u0003\u0004 this is a zip, not a model at all'));
    expect(await checkGgufFile(notGguf)).toMatch(/is not a GGUF file \(it starts with "PK/);
    const future = emptyGguf();
    future.writeUInt32LE(9, 4);
    await writeFile(join(folder, 'future.gguf'), future);
    expect(await checkGgufFile(join(folder, 'future.gguf'))).toMatch(/GGUF version 9/);
    await writeFile(join(folder, 'tiny.gguf'), 'GGUF');
    expect(await checkGgufFile(join(folder, 'tiny.gguf'))).toMatch(/too small/);
    expect(await checkGgufFile(folder)).toMatch(/is not a file/);
  });

  it('loads through node-llama-cpp (CPU, no build) and reports what llama.cpp rejects', async () => {
    const path = join(folder, 'empty.gguf');
    await writeFile(path, emptyGguf());
    expect(await checkGgufFile(path)).toBeUndefined();
    const llm = new LocalGgufLanguageModel({ modelPath: path });
    await expect(collect(llm.stream({ messages }))).rejects.toMatchObject({
      code: 'invalid_config',
      message: expect.stringContaining('could not be loaded by llama.cpp'),
    });
    await llm.close();
  }, 60_000);

  it('refuses an empty path and an already-cancelled request', async () => {
    expect(() => new LocalGgufLanguageModel({ modelPath: ' ' })).toThrow(/LORE_LLM_MODEL_PATH/);
    const controller = new AbortController();
    controller.abort();
    const llm = new LocalGgufLanguageModel({ modelPath: join(folder, 'x.gguf') });
    await expect(collect(llm.stream({ messages, signal: controller.signal }))).rejects.toMatchObject({
      code: 'cancelled',
    });
  });
});
