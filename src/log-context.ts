import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * Fields that every log line written while handling one request carries (the Slack ids of the
 * request), without threading a child logger through every call that may log.
 */
export type LogFields = Readonly<Record<string, string>>;

const store = new AsyncLocalStorage<LogFields>();

export function withLogFields<T>(fields: LogFields, fn: () => T): T {
  return store.run(fields, fn);
}

/**
 * Runs `fn` outside any request's fields: for code that a request may happen to trigger but that
 * does other requests' or workers' work too (a shared client's queue resumed by this request).
 */
export function withoutLogFields<T>(fn: () => T): T {
  return store.exit(fn);
}

/** The fields of the request being handled, or undefined outside one. */
export function currentLogFields(): LogFields | undefined {
  return store.getStore();
}
