import { AsyncLocalStorage } from 'node:async_hooks';

/** What code deep inside a request (providers, metrics) may know about it. */
export interface RequestContext {
  requestId: string;
  /** The signed-in user, once authentication has run (read lazily: auth runs after the logger). */
  userId(): string | undefined;
}

const storage = new AsyncLocalStorage<RequestContext>();

/** Runs `work` with `context` visible to `currentRequest()` in everything it calls. */
export function runInRequest<T>(context: RequestContext, work: () => T): T {
  return storage.run(context, work);
}

/** The request being served, if any (undefined in the worker and the CLI). */
export function currentRequest(): RequestContext | undefined {
  return storage.getStore();
}
