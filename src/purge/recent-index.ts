/**
 * In-process view of a company's recently submitted URLs, built from the Redis index of
 * submitted batches (`id|from|to` scored by submission time). Each batch is read once per
 * process and folded into a URL → time map, so a check costs one Redis round trip plus a lookup
 * per candidate, however busy the company is. Redis stays the source of truth: batches other
 * replicas submit show up in the index and are folded in on the next check.
 */
export interface RecentBatch {
  id: string;
  from: number;
  to: number;
  at: number;
}

interface CompanyView {
  /** Batches folded in, by member, with their submission time and size. */
  batches: Map<string, { at: number; size: number }>;
  /** URL → latest submission time. */
  urls: Map<string, number>;
  /** URLs of batches that left the window since the last sweep of `urls`. */
  stale: number;
}

export class RecentIndex {
  private readonly companies = new Map<string, CompanyView>();

  constructor(
    private readonly urlsOf: (id: string) => Promise<{ urls: readonly string[] } | undefined>,
    private readonly maxCompanies = 1000,
  ) {}

  /**
   * `live` are the company's batches submitted since `sinceMs` (as read from Redis); returns
   * which candidates are among their URLs.
   */
  async recent(
    companyHandle: string,
    live: readonly { member: string; batch: RecentBatch }[],
    candidates: readonly string[],
    sinceMs: number,
  ): Promise<Set<string>> {
    const hits = new Set<string>();
    if (live.length === 0) {
      this.companies.delete(companyHandle);
      return hits;
    }
    let view = this.companies.get(companyHandle);
    if (!view) {
      view = { batches: new Map(), urls: new Map(), stale: 0 };
      this.companies.set(companyHandle, view);
      if (this.companies.size > this.maxCompanies) {
        const oldest = this.companies.keys().next().value;
        if (oldest !== undefined) this.companies.delete(oldest);
      }
    }
    for (const { member, batch } of live) {
      if (view.batches.has(member)) continue;
      const stored = await this.urlsOf(batch.id);
      view.batches.set(member, { at: batch.at, size: batch.to - batch.from });
      if (!stored) continue;
      const end = Math.min(batch.to, stored.urls.length);
      for (let i = batch.from; i < end; i++) {
        const url = stored.urls[i];
        if (url === undefined) continue;
        const seen = view.urls.get(url);
        if (seen === undefined || seen < batch.at) view.urls.set(url, batch.at);
      }
    }
    this.prune(view, sinceMs);
    for (const c of candidates) {
      const at = view.urls.get(c);
      if (at !== undefined && at >= sinceMs) hits.add(c);
    }
    return hits;
  }

  /**
   * Forgets batches older than the window, and sweeps their URLs once about half the map is
   * stale, so the cost stays proportional to what was added.
   */
  private prune(view: CompanyView, sinceMs: number): void {
    for (const [member, b] of view.batches) {
      if (b.at < sinceMs) {
        view.batches.delete(member);
        view.stale += b.size;
      }
    }
    if (view.stale * 2 < view.urls.size) return;
    for (const [url, at] of view.urls) if (at < sinceMs) view.urls.delete(url);
    view.stale = 0;
  }
}
