import { execFile } from 'node:child_process';
import { constants, existsSync } from 'node:fs';
import { access, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

/** Absolute paths of the OCR programs: poppler's `pdftoppm` and `tesseract`. */
export interface OcrTools {
  pdftoppm: string;
  tesseract: string;
}

/** Pixels one rendered page may have (about 6000 × 6000): bounds memory on poster-sized pages. */
const maxPagePixels = 36_000_000;
/** Small pages (receipts, cards, scaled-down scans) are rendered at up to 600 dpi to reach this. */
const minPagePixels = 3_000_000;
const defaultDpi = 200;
const maxDpi = 600;

let toolsLookup: Promise<OcrTools | undefined> | undefined;

/** Finds `pdftoppm` and `tesseract` (with English data) on PATH, once per process. */
export function findOcrTools(): Promise<OcrTools | undefined> {
  toolsLookup ??= lookUpTools();
  return toolsLookup;
}

async function lookUpTools(): Promise<OcrTools | undefined> {
  const [pdftoppm, tesseract] = await Promise.all([
    whichExecutable('pdftoppm'),
    whichExecutable('tesseract'),
  ]);
  if (!pdftoppm || !tesseract) return undefined;
  try {
    const { stdout, stderr } = await run(tesseract, ['--list-langs'], 10_000);
    return /^eng$/m.test(`${stdout}\n${stderr}`) ? { pdftoppm, tesseract } : undefined;
  } catch {
    return undefined;
  }
}

async function whichExecutable(name: string): Promise<string | undefined> {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir.length === 0) continue;
    const candidate = join(dir, name);
    try {
      await access(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

/** Resolution for a page: 200 dpi, more for small pages, less for huge ones (pixel bounds above). */
export function ocrDpi(widthPoints: number, heightPoints: number): number {
  const squareInches = (Math.abs(widthPoints) / 72) * (Math.abs(heightPoints) / 72);
  if (!Number.isFinite(squareInches) || squareInches <= 0) return defaultDpi;
  const dpiFor = (pixels: number) => Math.floor(Math.sqrt(pixels / squareInches));
  if (dpiFor(maxPagePixels) < defaultDpi) return Math.max(20, dpiFor(maxPagePixels));
  return Math.min(maxDpi, Math.max(defaultDpi, dpiFor(minPagePixels)));
}

/**
 * OCR of single pages of one PDF. The PDF is written once to a private temporary directory
 * (created on first use, removed by `dispose`); each page is rendered by `pdftoppm` and read by
 * `tesseract`, without a shell, within `timeoutMs` for the two steps together.
 */
export class PdfOcrSession {
  private dir: string | undefined;

  constructor(
    private readonly tools: OcrTools,
    private readonly bytes: Uint8Array,
    private readonly password: string | undefined,
    private readonly timeoutMs: number,
  ) {}

  /** Text of one page (1-based), as tesseract prints it. Throws Error on failure or timeout. */
  async recognise(page: number, widthPoints: number, heightPoints: number): Promise<string> {
    const dir = await this.workDir();
    const started = Date.now();
    const imageRoot = join(dir, `page-${page}`);
    const passwordArgs = this.password ? ['-opw', this.password, '-upw', this.password] : [];
    const dpi = String(ocrDpi(widthPoints, heightPoints));
    const pageArg = String(page);
    try {
      await run(
        this.tools.pdftoppm,
        [
          '-f',
          pageArg,
          '-l',
          pageArg,
          '-r',
          dpi,
          '-gray',
          '-png',
          '-singlefile',
          ...passwordArgs,
          join(dir, 'input.pdf'),
          imageRoot,
        ],
        this.timeoutMs,
      );
      const remaining = this.timeoutMs - (Date.now() - started);
      if (remaining <= 0) throw new Error(`timed out after ${this.timeoutMs} ms`);
      // One thread: tesseract's OpenMP threads make it several times slower on small machines.
      const { stdout } = await run(
        this.tools.tesseract,
        [`${imageRoot}.png`, 'stdout', '-l', 'eng'],
        remaining,
        {
          OMP_THREAD_LIMIT: '1',
        },
      );
      return stdout;
    } finally {
      await rm(`${imageRoot}.png`, { force: true });
    }
  }

  /** Removes the temporary directory and everything in it. */
  async dispose(): Promise<void> {
    if (this.dir) await rm(this.dir, { recursive: true, force: true });
    this.dir = undefined;
  }

  private async workDir(): Promise<string> {
    if (this.dir) return this.dir;
    const dir = await mkdtemp(join(tmpdir(), 'lore-pdf-ocr-'));
    this.dir = dir;
    await writeFile(join(dir, 'input.pdf'), this.bytes, { mode: 0o600 });
    return dir;
  }
}

/** coreutils `timeout`, when present, bounds each OCR process independently of this thread. */
const processWatchdog = existsSync('/usr/bin/timeout') ? '/usr/bin/timeout' : undefined;

function run(
  file: string,
  args: string[],
  timeoutMs: number,
  env: Record<string, string> = {},
): Promise<{ stdout: string; stderr: string }> {
  // Under coreutils `timeout`, the tool dies on time even when this worker thread is terminated
  // by the sandbox first (a terminated worker can no longer enforce execFile's own timeout).
  const seconds = `${Math.ceil(timeoutMs / 1000) + 1}s`;
  const [command, commandArgs] = processWatchdog
    ? [processWatchdog, ['-s', 'KILL', seconds, file, ...args]]
    : [file, args];
  return new Promise((resolve, reject) => {
    execFile(
      command,
      commandArgs,
      {
        timeout: Math.max(1, timeoutMs),
        killSignal: 'SIGKILL',
        maxBuffer: 16 * 1024 * 1024,
        encoding: 'utf8',
        windowsHide: true,
        env: { ...process.env, ...env },
      },
      (error, stdout, stderr) => {
        if (!error) {
          resolve({ stdout, stderr });
          return;
        }
        // Not error.message nor the error as cause: both hold the command line, with any password.
        const { killed, code } = error as { killed?: boolean; code?: unknown };
        const reason =
          killed || code === 137
            ? `timed out after ${timeoutMs} ms`
            : lastLine(stderr) || `exit code ${String(code)}`;
        reject(new Error(`${file.split('/').pop()}: ${reason}`));
      },
    );
  });
}

function lastLine(text: string): string {
  return (
    text
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line.length > 0)
      .at(-1) ?? ''
  );
}
