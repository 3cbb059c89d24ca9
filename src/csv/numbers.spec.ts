import { canonicalAreaNumber, NumberFormatError, parseNumber } from './numbers.js';

describe('parseNumber', () => {
  it.each([
    ['2128,1', 'de', 2128.1],
    ['2.124,3', 'de', 2124.3],
    ['1.234.567', 'de', 1234567],
    ['-6,1', 'de', -6.1],
    ['−6,1', 'de', -6.1],
    ['23052', 'de', 23052],
    [' 18,0 ', 'de', 18],
    ['2124.3', 'en', 2124.3],
    ['2,124.3', 'en', 2124.3],
    ['-0.5', 'en', -0.5],
  ] as const)('reads %s (%s) as %d', (raw, style, expected) => {
    expect(parseNumber(raw, style)).toBe(expected);
  });

  it.each(['', '-', '–', '.', 'x', '…'])('reads the missing-value marker %j as null', (raw) => {
    expect(parseNumber(raw, 'de')).toBeNull();
  });

  it.each([
    ['1.5', 'de'],
    ['12,34,5', 'de'],
    ['abc', 'de'],
    ['2,5', 'en'],
    ['1e5', 'en'],
    ['=1+2', 'en'],
  ] as const)('refuses %s in style %s', (raw, style) => {
    expect(() => parseNumber(raw, style)).toThrow(NumberFormatError);
  });
});

describe('canonicalAreaNumber', () => {
  it('drops zero padding', () => {
    expect(canonicalAreaNumber('001')).toBe('1');
    expect(canonicalAreaNumber('75')).toBe('75');
    expect(canonicalAreaNumber('Berlin')).toBeNull();
  });
});
