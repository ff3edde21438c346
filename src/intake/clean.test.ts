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
  it('unescapes before trimming punctuation, so an escaped > at the end goes', () => {
    expect(cleanToken('  https://h/x&gt;  ')).toBe('https://h/x');
    expect(cleanToken('https://h/x?a=1&amp;')).toBe('https://h/x?a=1&');
  });
});
