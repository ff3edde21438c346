import type { Batch } from './model.js';

/** Initial batches: consecutive ranges of at most `size` URLs, in URL order. */
export function planBatches(urlCount: number, size: number): Batch[] {
  if (!Number.isInteger(size) || size < 1)
    throw new RangeError(`batch size must be a positive integer, got ${size}`);
  const batches: Batch[] = [];
  for (let from = 0, index = 0; from < urlCount; from += size, index++) {
    batches.push({ index, from, to: Math.min(urlCount, from + size), status: 'pending', attempts: 0 });
  }
  return batches;
}

export interface Range {
  from: number;
  to: number;
}

/**
 * How to split a batch IPS refused because of one bad URL (ipsApiFault 30001). When the fault's
 * reason names exactly one URL of the batch, that URL is isolated at once (3 ranges: before, it,
 * after), which costs 2 extra calls instead of ~2·log2(n); otherwise the batch is halved.
 * Ranges keep URL order and are never empty.
 */
export function splitRanges(batch: Range, urls: readonly string[], reason: string): Range[] {
  const { from, to } = batch;
  if (to - from < 2) return [{ from, to }];
  const named = namedUrlIndex(urls, from, to, reason);
  if (named !== undefined) {
    const parts: Range[] = [];
    if (named > from) parts.push({ from, to: named });
    parts.push({ from: named, to: named + 1 });
    if (named + 1 < to) parts.push({ from: named + 1, to });
    return parts;
  }
  const mid = from + Math.ceil((to - from) / 2);
  return [
    { from, to: mid },
    { from: mid, to },
  ];
}

/** Index of the single URL in [from, to) that `reason` mentions, or undefined when none or several do. */
function namedUrlIndex(
  urls: readonly string[],
  from: number,
  to: number,
  reason: string,
): number | undefined {
  if (reason.length === 0) return undefined;
  let found: number | undefined;
  let foundUrl: string | undefined;
  for (let i = from; i < to; i++) {
    const url = urls[i];
    if (url === undefined || url.length === 0 || !reason.includes(url)) continue;
    if (foundUrl !== undefined && foundUrl !== url) {
      // Several distinct URLs match (e.g. one is a prefix of another): keep the longest only if it
      // contains the others, else give up and halve.
      if (url.includes(foundUrl)) {
        found = i;
        foundUrl = url;
        continue;
      }
      if (foundUrl.includes(url)) continue;
      return undefined;
    }
    if (foundUrl === url) return undefined; // the same URL twice: ambiguous
    found = i;
    foundUrl = url;
  }
  return found;
}

/**
 * Extra IPS calls allowed for finding the bad URLs of one planned batch of `size` URLs: enough to
 * bisect down to one bad URL twice over (2·⌈log2 n⌉) plus a few isolations by name, so a batch
 * of nothing but bad URLs costs about 30 calls instead of about 2n.
 */
export function splitCallBudget(size: number): number {
  if (size < 2) return 0;
  let bits = 0;
  for (let span = 1; span < size; span *= 2) bits++;
  return 2 * bits + 10;
}

/**
 * Replaces `target` by pending sub-batches for `ranges`, keeping the list ordered and renumbered.
 * `root` (the planned batch the parts come from) is recorded on the parts.
 */
export function replaceBatch(
  batches: readonly Batch[],
  target: Range,
  ranges: readonly Range[],
  root?: number,
): Batch[] {
  const out: Batch[] = [];
  for (const b of batches) {
    if (b.from === target.from && b.to === target.to) {
      for (const r of ranges) {
        const part: Batch = { index: 0, from: r.from, to: r.to, status: 'pending', attempts: 0 };
        if (root !== undefined) part.root = root;
        out.push(part);
      }
    } else {
      out.push({ ...b });
    }
  }
  out.sort((a, b) => a.from - b.from);
  out.forEach((b, i) => {
    b.index = i;
  });
  return out;
}
