import { describe, expect, it } from 'vitest';
import { splitMessageLinks } from './shortcut-links.js';

const JJ = { name: 'JJEsquire', rootId: 'JJEsquire', hosts: ['s7d7.scene7.com'], templates: [] };
const EX = { name: 'Example.com', rootId: 'Example.com', hosts: ['*.scene7.com'], templates: [] };

const at = (...values: string[]) => values.map((value, i) => ({ value, line: i + 1 }));

describe('splitMessageLinks', () => {
  it('keeps Dynamic Media URLs and near misses, lists other sites with the reason', () => {
    const good = 'https://s7d7.scene7.com/is/image/JJEsquire/a?$p$&wid=1';
    const wrongCase = 'https://s7d7.scene7.com/is/image/jjesquire/a';
    const page = 'https://www.jjesquire.com/products/1';
    const { keep, ignored } = splitMessageLinks(at(good, wrongCase, page, good), [JJ]);
    expect(keep).toEqual([good, wrongCase]);
    expect(ignored).toHaveLength(1);
    expect(ignored[0]).toMatchObject({ input: page, line: 3 });
    expect(ignored[0]?.reason).toMatch(/not a delivery host of JJEsquire/);
  });

  it('keeps a link another served company accepts; with several companies the reason is generic', () => {
    const ex = 'https://s7d9.scene7.com/is/image/Example.com/shoe';
    const site = 'https://example.org/';
    const { keep, ignored } = splitMessageLinks(at(ex, site), [JJ, EX]);
    expect(keep).toEqual([ex]);
    expect(ignored.map((i) => i.reason)).toEqual(['not a Dynamic Media URL of any company dm-purge serves']);
  });

  it('keeps everything while no company is known yet', () => {
    expect(splitMessageLinks(at('https://example.org/'), []).keep).toEqual(['https://example.org/']);
  });
});
