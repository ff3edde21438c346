import { describe, expect, it } from 'vitest';
import { cleanToken, stripPunctuation } from './clean.js';
import { unescapeSlack } from './unescape.js';

describe('unescapeSlack', () => {
  it.each([
    ['a&amp;b', 'a&b'],
    ['&lt;x&gt;', '<x>'],
    ['&amp;lt;', '&lt;'],
    ['&amp;amp;', '&amp;'],
    ['&quot;&#39;&nbsp;', '&quot;&#39;&nbsp;'],
    ['&AMP; &amp &', '&AMP; &amp &'],
    ['no entities', 'no entities'],
    ['&&amp;&', '&&&'],
  ])('%j → %j', (input, expected) => {
    expect(unescapeSlack(input)).toBe(expected);
  });
});

describe('stripPunctuation', () => {
  it.each([
    ['x.', 'x'],
    ['x...', 'x'],
    ['x;:!?', 'x'],
    ['x>', 'x'],
    ['<x>', 'x'],
    ['((x))', 'x'],
    ['(x(y))', 'x(y)'],
    ['x(y)', 'x(y)'],
    ['x)', 'x'],
    ['x(y))z)', 'x(y))z'],
    ["'x'", 'x'],
    ['"x"', 'x'],
    ['«x»', 'x'],
    ['‘x’', 'x'],
    ['x$', 'x$'],
    ['x/', 'x/'],
    ['x=', 'x='],
    ['.', ''],
    ['', ''],
  ])('%j → %j', (input, expected) => {
    expect(stripPunctuation(input)).toBe(expected);
  });
});

describe('cleanToken', () => {
  it('escaped text: unescapes before trimming punctuation, so an escaped > at the end goes', () => {
    expect(cleanToken('  https://h/x&gt;  ', true)).toBe('https://h/x');
    expect(cleanToken('https://h/x?a=1&amp;', true)).toBe('https://h/x?a=1&');
    expect(cleanToken('https://h/x?a=&amp;amp;b', true)).toBe('https://h/x?a=&amp;b');
  });

  it('raw text: entities are characters the user typed', () => {
    expect(cleanToken('https://h/x?a=&amp;b', false)).toBe('https://h/x?a=&amp;b');
    expect(cleanToken('https://h/x&lt;b&gt;c', false)).toBe('https://h/x&lt;b&gt;c');
    // The `;` closing a typed entity is part of it; any other trailing `;` is punctuation.
    expect(cleanToken('https://h/x&gt;', false)).toBe('https://h/x&gt;');
    expect(cleanToken('https://h/x?a=&amp;;.', false)).toBe('https://h/x?a=&amp;');
    expect(cleanToken('https://h/x&gt;', true)).toBe('https://h/x');
    expect(cleanToken('https://h/x&amp;gt;', true)).toBe('https://h/x&gt;');
  });
});
