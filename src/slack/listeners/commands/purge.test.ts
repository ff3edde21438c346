import { describe, expect, it } from 'vitest';
import { candidatesFromText } from '../../../intake/index.js';
import { parsePurgeCommand } from './purge.js';

describe('parsePurgeCommand', () => {
  it.each([
    ['', { kind: 'open', prefill: '' }],
    ['   ', { kind: 'open', prefill: '' }],
    ['help', { kind: 'help' }],
    ['HELP', { kind: 'help' }],
    ['status', { kind: 'status' }],
    ['status p-7k3f9q', { kind: 'status', purgeId: 'p-7K3F9Q' }],
    ['status nonsense!', { kind: 'help', unknown: 'status nonsense!' }],
    ['history', { kind: 'history' }],
    ['frobnicate', { kind: 'help', unknown: 'frobnicate' }],
    // One word intake would refuse (no digit, not Root/ID, not URL- or host-like) gets help.
    ['please!', { kind: 'help', unknown: 'please!' }],
    ['hero-image', { kind: 'help', unknown: 'hero-image' }],
    ['&lt;x&gt;', { kind: 'help', unknown: '&lt;x&gt;' }],
    ['shoe_01', { kind: 'open', prefill: 'shoe_01' }],
    ['11008047.', { kind: 'open', prefill: '11008047.' }],
    ['JJEsquire/hero', { kind: 'open', prefill: 'JJEsquire/hero' }],
    ['images.jjesquire.com', { kind: 'open', prefill: 'images.jjesquire.com' }],
    ['please 11008047', { kind: 'open', prefill: 'please 11008047' }],
    ['11008047', { kind: 'open', prefill: '11008047' }],
    ['JJEsquire/shoe-01', { kind: 'open', prefill: 'JJEsquire/shoe-01' }],
    [
      'https://s7d7.scene7.com/is/image/JJEsquire/1?$p$ 11008048',
      { kind: 'open', prefill: 'https://s7d7.scene7.com/is/image/JJEsquire/1?$p$ 11008048' },
    ],
    [
      'https://s7d7.scene7.com/is/image/JJEsquire/1?$p$&amp;wid=200 &lt;x&gt;',
      { kind: 'open', prefill: 'https://s7d7.scene7.com/is/image/JJEsquire/1?$p$&wid=200 <x>' },
    ],
  ])('%j → %j', (text, expected) => {
    expect(parsePurgeCommand(text)).toEqual(expected);
  });
});

describe('parsePurgeCommand unescapes once; the prefill is raw from then on', () => {
  it.each([
    // Slack sends what was typed with `&` `<` `>` escaped; the modal box then holds what was typed,
    // and the box is read raw on submit, so the URL sent is exactly the typed one.
    ['…/shoe?$product$&wid=200', '…/shoe?$product$&amp;wid=200'],
    ['…/shoe?$product$&amp;wid=200', '…/shoe?$product$&amp;amp;wid=200'],
    ['…/shoe?x=&lt;b', '…/shoe?x=&amp;lt;b'],
  ])('typed %s', (typed, sent) => {
    const url = `https://s7d7.scene7.com/is/image/JJEsquire/${typed.slice(2)}`;
    const parsed = parsePurgeCommand(`https://s7d7.scene7.com/is/image/JJEsquire/${sent.slice(2)}`);
    expect(parsed).toEqual({ kind: 'open', prefill: url });
    const prefill = parsed.kind === 'open' ? parsed.prefill : '';
    expect(candidatesFromText(prefill).map((c) => c.value)).toEqual([url]);
  });
});
