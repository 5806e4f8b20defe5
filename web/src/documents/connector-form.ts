import type { Schemas } from '../lib/api.js';

/** The "New connector" form as typed (every field a string, as the inputs hold it). */
export interface ConnectorForm {
  kind: 's3' | 'git';
  name: string;
  collectionId: string;
  bucket: string;
  prefix: string;
  region: string;
  endpoint: string;
  repository: string;
  branch: string;
  path: string;
  /** Minutes between runs; empty is manual only. */
  intervalMinutes: string;
}

export const emptyConnectorForm: ConnectorForm = {
  kind: 's3',
  name: '',
  collectionId: '',
  bucket: '',
  prefix: '',
  region: '',
  endpoint: '',
  repository: '',
  branch: '',
  path: '',
  intervalMinutes: '60',
};

type Body = Schemas['NewConnector'];

// The same rules as the server's (src/core/connectors/connectors.service.ts), checked before sending.
const bucketPattern = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused
const controlCharacters = /[\u0000-\u001f\u007f]/;

/** The request body for `POST /api/v1/connectors`, or the first reason the form is not ready. */
export function connectorBody(form: ConnectorForm): { body: Body } | { problem: string } {
  const name = form.name.trim();
  if (name === '') return { problem: 'Give the connector a name' };
  if (name.length > 100 || controlCharacters.test(name)) {
    return { problem: 'The name is at most 100 printable characters' };
  }
  if (!form.collectionId) return { problem: 'Choose a collection' };
  const interval = form.intervalMinutes.trim();
  const intervalMinutes = interval === '' ? 0 : Number(interval);
  if (
    !Number.isInteger(intervalMinutes) ||
    intervalMinutes < 0 ||
    intervalMinutes > 525_600 ||
    (intervalMinutes > 0 && intervalMinutes < 5)
  ) {
    return { problem: 'Sync every 5 to 525600 minutes (0 or empty: only when you run it)' };
  }
  const common = { name, collectionId: form.collectionId, intervalMinutes };
  if (form.kind === 's3') {
    const bucket = form.bucket.trim();
    if (!bucketPattern.test(bucket)) {
      return { problem: 'A bucket name is 3–63 lower-case letters, digits, dots and hyphens' };
    }
    const endpoint = form.endpoint.trim();
    if (endpoint !== '' && !/^https?:\/\/[^/@\s]+(\/.*)?$/.test(endpoint)) {
      return { problem: 'The endpoint is an http(s) URL without a user name or password' };
    }
    const region = form.region.trim();
    return {
      body: {
        ...common,
        kind: 's3',
        s3: {
          bucket,
          prefix: form.prefix.trim().replace(/^\/+/, ''),
          ...(region ? { region } : {}),
          ...(endpoint ? { endpoint } : {}),
        },
      },
    };
  }
  const url = form.repository.trim();
  if (url === '') return { problem: 'Enter a clone URL or the path of a repository on the server' };
  if (/\s/.test(url)) return { problem: 'The repository URL or path has no spaces' };
  if (/^[a-z][a-z0-9+.-]*:\/\/[^/@]*:[^/@]*@/i.test(url)) {
    return {
      problem: 'Remove the password from the URL: use an SSH key or a Git credential helper on the server',
    };
  }
  const branch = form.branch.trim();
  const path = form.path.trim().replace(/^\/+|\/+$/g, '');
  if ([url, branch, path].some((value) => value.startsWith('-'))) {
    return { problem: 'Repository, branch and folder may not start with "-"' };
  }
  if (path.split('/').includes('..')) return { problem: 'The folder may not contain ".."' };
  return {
    body: {
      ...common,
      kind: 'git',
      git: { url, ...(branch ? { branch } : {}), ...(path ? { path } : {}) },
    },
  };
}

type Run = Schemas['ConnectorRun'];

/** One line of counts for a run ("3 seen, 2 added, …"). */
export function runCounts(run: Run): string {
  return `${run.seen} seen, ${run.added} added, ${run.updated} updated, ${run.unchanged} unchanged, ${run.removed} removed, ${run.failed} failed`;
}

/** How a run's state reads in the table. */
export function runStateLabel(run: Run): string {
  if (run.state === 'running') return run.cancelRequestedAt ? 'stopping…' : 'running';
  return run.state;
}

/** How long a run took (or has been running), as "1 min 5 s". */
export function runDuration(run: Run, now: number = Date.now()): string {
  const end = run.finishedAt ? Date.parse(run.finishedAt) : now;
  const seconds = Math.max(0, Math.round((end - Date.parse(run.startedAt)) / 1000));
  if (Number.isNaN(seconds)) return '';
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  return `${minutes} min ${seconds % 60} s`;
}
