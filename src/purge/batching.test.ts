import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { planBatches, replaceBatch, splitCallBudget, splitRanges } from './batching.js';

const urls = (n: number) =>
  Array.from({ length: n }, (_, i) => `https://s7d7.scene7.com/is/image/JJ/item${i}?$p$`);

describe('planBatches', () => {
  it('cuts 2,500 URLs into 1000, 1000, 500', () => {
    const b = planBatches(2500, 1000);
    expect(b.map((x) => [x.index, x.from, x.to])).toEqual([
      [0, 0, 1000],
      [1, 1000, 2000],
      [2, 2000, 2500],
    ]);
    expect(b.every((x) => x.status === 'pending' && x.attempts === 0)).toBe(true);
  });

  it('makes 10 calls for 10,000 URLs', () => {
    expect(planBatches(10_000, 1000)).toHaveLength(10);
  });

  it('covers every URL exactly once, in order, with batches of at most the size', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 5000 }), fc.integer({ min: 1, max: 1000 }), (n, size) => {
        const b = planBatches(n, size);
        let next = 0;
        for (const x of b) {
          expect(x.from).toBe(next);
          expect(x.to - x.from).toBeGreaterThan(0);
          expect(x.to - x.from).toBeLessThanOrEqual(size);
          next = x.to;
        }
        expect(next).toBe(n);
        expect(b.length).toBe(Math.ceil(n / size));
      }),
    );
  });

  it('refuses a non-positive size', () => {
    expect(() => planBatches(10, 0)).toThrow(RangeError);
  });
});

describe('splitRanges', () => {
  it('halves a batch when the reason names no URL', () => {
    expect(splitRanges({ from: 0, to: 1000 }, urls(1000), 'Invalid parameter')).toEqual([
      { from: 0, to: 500 },
      { from: 500, to: 1000 },
    ]);
    expect(splitRanges({ from: 10, to: 13 }, urls(20), '')).toEqual([
      { from: 10, to: 12 },
      { from: 12, to: 13 },
    ]);
  });

  it('isolates the one URL the reason names', () => {
    const u = urls(1000);
    expect(splitRanges({ from: 0, to: 1000 }, u, `Invalid URL '${u[417]}': not allowed`)).toEqual([
      { from: 0, to: 417 },
      { from: 417, to: 418 },
      { from: 418, to: 1000 },
    ]);
    expect(splitRanges({ from: 0, to: 10 }, u, `bad ${u[0]}`)).toEqual([
      { from: 0, to: 1 },
      { from: 1, to: 10 },
    ]);
  });

  it('prefers the longest URL when one named URL contains another', () => {
    const u = ['https://h/is/image/R/a', 'https://h/is/image/R/a?$p$', 'https://h/is/image/R/b'];
    expect(splitRanges({ from: 0, to: 3 }, u, `Invalid URL '${u[1]}'`)).toEqual([
      { from: 0, to: 1 },
      { from: 1, to: 2 },
      { from: 2, to: 3 },
    ]);
  });

  it('halves when the reason names two unrelated URLs', () => {
    const u = urls(8);
    expect(splitRanges({ from: 0, to: 8 }, u, `${u[1]} and ${u[6]}`)).toEqual([
      { from: 0, to: 4 },
      { from: 4, to: 8 },
    ]);
  });

  it('always partitions the batch into ordered non-empty ranges', () => {
    const u = urls(300);
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 298 }),
        fc.integer({ min: 2, max: 300 }),
        fc.option(fc.integer({ min: 0, max: 299 })),
        (from, len, named) => {
          const to = Math.min(300, from + len);
          fc.pre(to - from >= 2);
          const reason = named === null ? 'no url here' : `Invalid URL '${u[named]}'`;
          const parts = splitRanges({ from, to }, u, reason);
          expect(parts.length).toBeGreaterThanOrEqual(2);
          let next = from;
          for (const p of parts) {
            expect(p.from).toBe(next);
            expect(p.to).toBeGreaterThan(p.from);
            next = p.to;
          }
          expect(next).toBe(to);
        },
      ),
    );
  });
});

describe('replaceBatch', () => {
  it('replaces a batch by pending parts, keeps order and renumbers', () => {
    const b = planBatches(30, 10);
    b[0] = { ...b[0]!, status: 'submitted', attempts: 1, handle: 'h0' };
    const out = replaceBatch(b, { from: 10, to: 20 }, [
      { from: 10, to: 15 },
      { from: 15, to: 20 },
    ]);
    expect(out.map((x) => [x.index, x.from, x.to, x.status])).toEqual([
      [0, 0, 10, 'submitted'],
      [1, 10, 15, 'pending'],
      [2, 15, 20, 'pending'],
      [3, 20, 30, 'pending'],
    ]);
    expect(b[2]?.index).toBe(2);
  });

  it('drops a batch replaced by nothing', () => {
    const out = replaceBatch(planBatches(3, 1), { from: 1, to: 2 }, []);
    expect(out.map((x) => [x.index, x.from])).toEqual([
      [0, 0],
      [1, 2],
    ]);
  });
});

describe('splitCallBudget', () => {
  it('is 2·⌈log2 n⌉ + 10 extra calls, none for a single URL', () => {
    expect([1, 2, 3, 4, 5, 1000, 1024, 1025].map(splitCallBudget)).toEqual([0, 12, 14, 14, 16, 30, 30, 32]);
  });

  it('always covers bisecting down to one bad URL (2 calls per halving)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 100_000 }), (n) => {
        let halvings = 0;
        for (let size = n; size > 1; size = Math.ceil(size / 2)) halvings++;
        expect(splitCallBudget(n)).toBeGreaterThanOrEqual(2 * halvings);
      }),
    );
  });
});

describe('replaceBatch roots', () => {
  it('records the planned batch on the parts and keeps it on the others', () => {
    const b = replaceBatch(planBatches(30, 10), { from: 10, to: 20 }, [{ from: 10, to: 20 }], 10);
    const again = replaceBatch(
      b,
      { from: 10, to: 20 },
      [
        { from: 10, to: 12 },
        { from: 12, to: 20 },
      ],
      10,
    );
    expect(again.map((x) => x.root)).toEqual([undefined, 10, 10, undefined]);
  });
});
