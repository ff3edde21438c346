/** How long one check may take before doctor reports it and moves on. */
export const DEFAULT_CHECK_TIMEOUT_MS = 10_000;

/**
 * Runs `work` with an AbortSignal that fires after `ms`; past that point the result of
 * `onTimeout()` is returned instead, so a dependency that never answers cannot hang doctor.
 * `work` should honour the signal so that its sockets are released too.
 */
export async function withTimeout<T>(
  ms: number,
  work: (signal: AbortSignal) => Promise<T>,
  onTimeout: () => T,
): Promise<T> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<T>((resolve) => {
    timer = setTimeout(() => {
      controller.abort(new Error(`no answer within ${ms} ms`));
      resolve(onTimeout());
    }, ms);
  });
  try {
    return await Promise.race([work(controller.signal), timedOut]);
  } finally {
    clearTimeout(timer);
  }
}

/** `10 s` or `500 ms`, for messages. */
export function describeMs(ms: number): string {
  return ms >= 1000 && ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}
