/**
 * `work`'s value if it settles within `ms`, else undefined (the work goes on). Slack's 3-second
 * rule is met by answering with what is known by then and following up later.
 */
export async function within<T>(work: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([work, new Promise<undefined>((r) => (timer = setTimeout(r, ms, undefined)))]);
  } finally {
    clearTimeout(timer);
  }
}
