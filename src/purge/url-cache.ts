/** URL lists of purges by id. They never change once stored, so caching needs no invalidation. */
export interface CachedUrls {
  urls: readonly string[];
  skipped: readonly string[];
}

/** A small LRU bounded by the total number of URLs held (memory grows with URLs, not entries). */
export class UrlCache {
  private readonly entries = new Map<string, CachedUrls>();
  private held = 0;

  constructor(private readonly maxUrls = 256_000) {}

  get(id: string): CachedUrls | undefined {
    const hit = this.entries.get(id);
    if (hit) {
      this.entries.delete(id);
      this.entries.set(id, hit);
    }
    return hit;
  }

  set(id: string, value: CachedUrls): void {
    const size = value.urls.length + value.skipped.length;
    if (size > this.maxUrls) return;
    const old = this.entries.get(id);
    if (old) {
      this.entries.delete(id);
      this.held -= old.urls.length + old.skipped.length;
    }
    this.entries.set(id, value);
    this.held += size;
    for (const [key, v] of this.entries) {
      if (this.held <= this.maxUrls) break;
      this.entries.delete(key);
      this.held -= v.urls.length + v.skipped.length;
    }
  }

  get size(): number {
    return this.entries.size;
  }
}
