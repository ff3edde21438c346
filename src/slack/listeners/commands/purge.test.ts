import { describe, expect, it } from 'vitest';
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
