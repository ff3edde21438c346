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

/** The fields of the request being handled, or undefined outside one. */
export function currentLogFields(): LogFields | undefined {
  return store.getStore();
}
