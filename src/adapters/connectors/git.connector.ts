import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { promisify } from 'node:util';
import type { GitConnectorSettings } from '../../core/connectors/connector.records.js';
import { LoreError } from '../../core/errors.js';
import type { Connector, ConnectorItem, ConnectorPage } from '../../ports/connector.port.js';

const run = promisify(execFile);

export interface GitConnectorOptions {
  settings: GitConnectorSettings;
  /** Folder for clones of remote repositories (`<dataDir>/connectors/git`). */
  cloneRoot: string;
  /** Largest blob read (LORE_MAX_FILE_BYTES). */
  maxItemBytes: number;
  /** Time limit of a clone or fetch. */
  networkTimeoutMs?: number;
}

/**
 * A Git repository as a connector: a local repository is read in place, a clone URL is cloned
 * (bare) into the data folder and fetched before every run. Items are the files of the branch's
 * last commit (`git ls-tree -r -l`), keyed by path, versioned by blob sha; only committed content
 * is indexed. Authentication is Git's own (SSH keys, credential helpers); URLs carrying a password
 * are refused so that no secret is stored in the database.
 */
export class GitConnector implements Connector {
  readonly kind = 'git';
  readonly sourcePrefix: string;
  private readonly local: boolean;
  private readonly repository: string;
  private commit: string | undefined;

  constructor(private readonly options: GitConnectorOptions) {
    const { url, branch, path } = options.settings;
    assertNoCredentials(url);
    this.local = isAbsolute(url);
    this.repository = this.local
      ? resolve(url)
      : resolve(options.cloneRoot, createHash('sha256').update(url).digest('hex').slice(0, 24));
    const folder = normalisePath(path);
    this.sourcePrefix = `git:${url}#${branch ?? 'HEAD'}:${folder ? `${folder}/` : ''}`;
  }

  /** Clones or fetches a remote repository, then pins the commit this run lists and reads. */
  async open(signal?: AbortSignal): Promise<void> {
    const { url, branch } = this.options.settings;
    const timeout = this.options.networkTimeoutMs ?? 600_000;
    if (!this.local) {
      if (!existsSync(resolve(this.repository, 'HEAD'))) {
        mkdirSync(dirname(this.repository), { recursive: true });
        await this.git(
          ['clone', '--bare', '--quiet', ...(branch ? ['--branch', branch] : []), '--', url, this.repository],
          { timeout, signal, cwd: dirname(this.repository) },
        );
      } else {
        await this.git(
          [
            'fetch',
            '--quiet',
            '--prune',
            '--force',
            'origin',
            '+refs/heads/*:refs/heads/*',
            '+refs/tags/*:refs/tags/*',
          ],
          {
            timeout,
            signal,
          },
        );
      }
    } else if (!existsSync(this.repository)) {
      throw new LoreError('connector_failed', `git repository ${url}: the folder does not exist`);
    }
    const ref = branch ?? 'HEAD';
    const { stdout } = await this.git(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], {
      signal,
    }).catch((error: unknown) => {
      throw new LoreError('connector_failed', `git repository ${url}: no branch or tag named ${ref}`, {
        cause: error,
      });
    });
    this.commit = stdout.toString().trim();
  }

  /** The commit listed by this run (after `open`). */
  get head(): string | undefined {
    return this.commit;
  }

  async list(_cursor?: string, signal?: AbortSignal): Promise<ConnectorPage> {
    if (!this.commit) await this.open(signal);
    const folder = normalisePath(this.options.settings.path);
    const { stdout } = await this.git(
      ['ls-tree', '-r', '-l', '-z', '--full-tree', this.commit!, ...(folder ? ['--', folder] : [])],
      { signal, maxBuffer: 512 * 1024 ** 2 },
    );
    const items: ConnectorItem[] = [];
    for (const entry of stdout.toString('utf8').split('\0')) {
      // <mode> SP <type> SP <object> SP+ <size> TAB <path>
      const match = /^(\d+) (\w+) ([0-9a-f]+) +(\d+|-)\t(.+)$/s.exec(entry);
      if (!match) continue;
      const [, mode, type, sha, size, path] = match as unknown as [
        string,
        string,
        string,
        string,
        string,
        string,
      ];
      // Regular files only: symbolic links (120000) and submodules (commit entries) are skipped.
      if (type !== 'blob' || mode === '120000') continue;
      const key = folder ? path.slice(folder.length + 1) : path;
      items.push({ key, version: sha, name: key, size: Number(size) });
    }
    return { items };
  }

  async read(item: ConnectorItem, signal?: AbortSignal): Promise<Uint8Array> {
    const { stdout } = await this.git(['cat-file', 'blob', item.version], {
      signal,
      maxBuffer: this.options.maxItemBytes + 1,
    });
    return new Uint8Array(stdout.buffer, stdout.byteOffset, stdout.byteLength);
  }

  private async git(
    args: string[],
    options: { signal?: AbortSignal | undefined; timeout?: number; maxBuffer?: number; cwd?: string } = {},
  ): Promise<{ stdout: Buffer }> {
    const cwdArgs = options.cwd ? [] : ['-C', this.repository];
    try {
      const { stdout } = await run('git', [...cwdArgs, ...args], {
        encoding: 'buffer',
        maxBuffer: options.maxBuffer ?? 64 * 1024 ** 2,
        timeout: options.timeout ?? 120_000,
        ...(options.cwd ? { cwd: options.cwd } : {}),
        ...(options.signal ? { signal: options.signal } : {}),
        // Never wait for a password prompt: a scheduled run has nobody to answer it.
        env: { ...process.env, GIT_TERMINAL_PROMPT: '0', GIT_ASKPASS: 'echo', LC_ALL: 'C' },
      });
      return { stdout };
    } catch (error) {
      const failure = error as { stderr?: Buffer; code?: string | number; message: string };
      const detail = failure.stderr?.toString().trim().split('\n').at(-1) ?? failure.message;
      throw new LoreError(
        'connector_failed',
        `git repository ${this.options.settings.url}: git ${args[0]} failed: ${detail || failure.code}`,
        { cause: error },
      );
    }
  }
}

/** Refuses `https://user:password@host/…`: the definition would store the secret in plain text. */
export function assertNoCredentials(url: string): void {
  const match = /^[a-z][a-z0-9+.-]*:\/\/([^/@]*)@/i.exec(url);
  if (match?.[1]?.includes(':')) {
    throw new LoreError(
      'invalid_request',
      'the Git URL carries a password; use an SSH key or a Git credential helper on the Lore host instead',
    );
  }
}

function normalisePath(path: string | undefined): string {
  return (path ?? '').replace(/^\/+|\/+$/g, '');
}
