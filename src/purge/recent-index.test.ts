import { describe, expect, it } from 'vitest';
import { RecentIndex } from './recent-index.js';

const lists = new Map<string, string[]>([
  ['p-A', ['a1', 'a2', 'a3']],
  ['p-B', ['b1', 'a2']],
]);

function index() {
  const loads: string[] = [];
  const idx = new RecentIndex(async (id) => {
    loads.push(id);
    const urls = lists.get(id);
    return urls ? { urls } : undefined;
  });
  return { idx, loads };
}

const live = (id: string, from: number, to: number, at: number) => ({
  member: `${id}|${from}|${to}`,
  batch: { id, from, to, at },
});

describe('RecentIndex', () => {
  it('finds candidates among the URL ranges of live batches only', async () => {
    const { idx } = index();
    const hits = await idx.recent('c|1', [live('p-A', 1, 3, 100)], ['a1', 'a2', 'a3', 'zz'], 50);
    expect([...hits].sort()).toEqual(['a2', 'a3']);
  });

  it('reads each batch once per process', async () => {
    const { idx, loads } = index();
    const batches = [live('p-A', 0, 3, 100), live('p-B', 0, 2, 110)];
    await idx.recent('c|1', batches, ['a1'], 50);
    await idx.recent('c|1', batches, ['b1'], 50);
    expect(loads).toEqual(['p-A', 'p-B']);
  });

  it('forgets URLs whose batches left the window', async () => {
    const { idx } = index();
    await idx.recent('c|1', [live('p-A', 0, 3, 100), live('p-B', 0, 2, 200)], [], 50);
    // Now only p-B is live (p-A was submitted at 100, before the window start 150).
    const hits = await idx.recent('c|1', [live('p-B', 0, 2, 200)], ['a1', 'a2', 'b1'], 150);
    expect([...hits].sort()).toEqual(['a2', 'b1']);
  });

  it('keeps companies apart and tolerates purges that are gone', async () => {
    const { idx } = index();
    expect((await idx.recent('c|1', [live('p-A', 0, 3, 100)], ['a1'], 0)).size).toBe(1);
    expect((await idx.recent('c|2', [], ['a1'], 0)).size).toBe(0);
    expect((await idx.recent('c|3', [live('p-GONE', 0, 3, 100)], ['a1'], 0)).size).toBe(0);
  });
});
