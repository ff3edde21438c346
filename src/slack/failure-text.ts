/**
 * What a user is told when something on our side fails. A Redis outage is common enough (failover,
 * restart) to deserve its own words: nothing was lost, and trying again shortly will work.
 */
export function failureText(err: unknown, action = 'nothing was purged'): string {
  if (isStoreUnavailable(err)) {
    return `:warning: dm-purge is temporarily unavailable (its database is not answering), so ${action}. Try again in a minute; purges accepted earlier are safe and will still be answered.`;
  }
  return `:warning: Something went wrong on our side and ${action}. Try again in a minute; if it keeps failing, tell your dm-purge operator.`;
}

const UNAVAILABLE = [
  /Connection is closed/i,
  /Stream isn't writeable/i,
  /max retries per request/i,
  /ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE/,
  /LOADING|READONLY|CLUSTERDOWN|MASTERDOWN|TRYAGAIN/,
];

export function isStoreUnavailable(err: unknown): boolean {
  for (let e = err, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    if (e.name === 'MaxRetriesPerRequestError') return true;
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && /^(ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|ENOTFOUND)$/.test(code))
      return true;
    if (UNAVAILABLE.some((re) => re.test(e instanceof Error ? e.message : ''))) return true;
  }
  return false;
}
