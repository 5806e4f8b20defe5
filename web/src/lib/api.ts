import type { Middleware } from 'openapi-fetch';
import type { components, paths } from '../../../src/client/api.js';
import { apiError, createLoreClient, type LoreApiClient } from '../../../src/client/lore-client.js';
import { readSse } from '../../../src/client/sse.js';

export type Schemas = components['schemas'];
export type Collection = Schemas['Collection'];
export type LoreDocument = Schemas['Document'];
export type Citation = Schemas['Citation'];
export type Conversation = Schemas['Conversation'];
export type Message = Schemas['Message'];
export type Job = Schemas['Job'];
export type Me = Schemas['Me'];
export type User = Schemas['User'];
export type { paths };

/** CSRF token of the cookie session (from sign-in or `GET /api/v1/auth/me`). */
let csrfToken: string | undefined;
export function setCsrfToken(token: string | undefined): void {
  csrfToken = token;
}

const unsafe = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const csrf: Middleware = {
  onRequest({ request }) {
    if (csrfToken && unsafe.has(request.method)) request.headers.set('X-CSRF-Token', csrfToken);
    return request;
  },
};

/** The one typed API client of the web UI (same origin, cookie session). */
export const api: LoreApiClient = createLoreClient({
  baseUrl: typeof window === 'undefined' ? 'http://localhost' : window.location.origin,
  fetch: (input) => fetch(input),
});
api.use(csrf);

/** A failed API call, with words a user understands. */
export class ApiFailure extends Error {
  constructor(
    message: string,
    readonly code: string,
    readonly status: number,
  ) {
    super(message);
  }
}

const friendly: Record<string, string> = {
  unauthenticated: 'Your session has ended. Please sign in again.',
  rate_limited: 'Too many requests right now. Wait a moment and try again.',
  file_encrypted: 'This file is password-protected. Remove the password and upload it again.',
  password_incorrect: 'The password for this file is wrong.',
  file_corrupt: 'This file is damaged and cannot be read.',
  file_truncated: 'This file is incomplete (it was cut off) and cannot be read.',
  file_empty: 'This file is empty.',
  file_too_large: 'This file is larger than the server accepts.',
  payload_too_large: 'This upload is larger than the server accepts.',
  too_many_pages: 'This document has more pages than the server accepts.',
  unsupported_format: 'Lore cannot read this kind of file.',
  parse_timeout: 'Reading this file took too long, so it was stopped.',
  parse_out_of_memory: 'This file needs more memory to read than the server allows.',
  provider_unavailable: 'The language model or embedder is not reachable right now.',
  provider_error: 'The language model or embedder returned an error.',
};

/** A sentence for an error code (with the server's message as detail when it adds something). */
export function describeError(code: string, message: string): string {
  const base = friendly[code];
  if (!base) return message.charAt(0).toUpperCase() + message.slice(1);
  return message && !/^(internal error)$/.test(message) ? `${base} (${message})` : base;
}

/** Turns an openapi-fetch result into its data, or throws an ApiFailure with a readable message. */
export function unwrap<T>(result: { data?: T; error?: unknown; response: Response }): T {
  if (result.response.ok && result.data !== undefined) return result.data;
  if (result.response.ok) return undefined as T;
  throw failureOf(result.error, result.response);
}

export function failureOf(error: unknown, response: Response): ApiFailure {
  const failure = apiError(error, response);
  if (failure.code === 'unauthenticated') window.dispatchEvent(new CustomEvent('lore:signed-out'));
  return new ApiFailure(describeError(failure.code, failure.message), failure.code, response.status);
}

/** Any error as a sentence for the page. */
export function errorText(error: unknown): string {
  if (error instanceof ApiFailure) return error.message;
  if (error instanceof DOMException && error.name === 'AbortError') return 'Stopped.';
  if (error instanceof TypeError) return 'Lore could not be reached. Check that the server is running.';
  return error instanceof Error ? error.message : String(error);
}

/** Follows a job's `job` events (SSE) until it finishes; calls `onJob` with every state. */
export async function followJob(
  jobId: string,
  onJob: (job: Job) => void,
  signal?: AbortSignal,
): Promise<Job> {
  const { response, error } = await api.GET('/api/v1/jobs/{id}/events', {
    params: { path: { id: jobId } },
    parseAs: 'stream',
    ...(signal ? { signal } : {}),
  });
  if (!response.ok || !response.body) throw failureOf(error, response);
  let last: Job | undefined;
  for await (const message of readSse(response.body)) {
    if (message.event !== 'job') continue;
    last = JSON.parse(message.data) as Job;
    onJob(last);
    if (['done', 'failed', 'cancelled'].includes(last.state)) break;
  }
  if (last) return last;
  return unwrap(await api.GET('/api/v1/jobs/{id}', { params: { path: { id: jobId } } }));
}

export interface UploadOutcome {
  fileName: string;
  jobId?: string;
  error?: string;
}

/**
 * Uploads one file through the typed client, reporting upload progress (0..1). openapi-fetch takes a
 * per-request `fetch`; this one is XMLHttpRequest-based because fetch cannot report upload progress.
 */
export async function uploadFile(
  file: File,
  options: { collection?: string; tags?: string; onProgress?: (fraction: number) => void },
): Promise<{ outcome: UploadOutcome; collectionId?: string }> {
  const xhrFetch = (request: Request) => sendWithProgress(request, file, options);
  const result = await api.POST('/api/v1/documents', {
    body: { files: [file as unknown as string] },
    bodySerializer: () => formOf(file, options),
    fetch: xhrFetch,
  });
  if (!result.response.ok || !result.data) {
    const failure = failureOf(result.error, result.response);
    return { outcome: { fileName: file.name, error: failure.message } };
  }
  const first = result.data.files[0];
  const outcome: UploadOutcome = { fileName: first?.fileName ?? file.name };
  if (first?.jobId) outcome.jobId = first.jobId;
  if (first?.error) outcome.error = describeError(first.error.code, first.error.message);
  return { outcome, collectionId: result.data.collectionId };
}

function formOf(file: File, options: { collection?: string; tags?: string }): FormData {
  const form = new FormData();
  form.append('files', file, file.name);
  if (options.collection) form.append('collection', options.collection);
  if (options.tags) form.append('tags', options.tags);
  return form;
}

function sendWithProgress(
  request: Request,
  file: File,
  options: { collection?: string; tags?: string; onProgress?: (fraction: number) => void },
): Promise<Response> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open(request.method, request.url);
    request.headers.forEach((value, name) => {
      if (name.toLowerCase() !== 'content-type') xhr.setRequestHeader(name, value);
    });
    xhr.withCredentials = true;
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable) options.onProgress?.(event.loaded / event.total);
    };
    xhr.onload = () => {
      options.onProgress?.(1);
      resolve(
        new Response(xhr.responseText, {
          status: xhr.status,
          statusText: xhr.statusText,
          headers: { 'Content-Type': xhr.getResponseHeader('Content-Type') ?? 'application/json' },
        }),
      );
    };
    xhr.onerror = () => reject(new TypeError('network error'));
    xhr.send(formOf(file, options));
  });
}
