import { describe, expect, it } from 'vitest';
import { defaultRanks, parseRanks } from './ranks';

describe('ranks to verify', () => {
  it('reads single ranks and ranges, ascending and once each', () => {
    expect(parseRanks('1-3')).toEqual({ ranks: [1, 2, 3] });
    expect(parseRanks(' 7, 2 – 3 ,2')).toEqual({ ranks: [2, 3, 7] });
  });

  it('names what is wrong', () => {
    expect(parseRanks('')).toEqual({ error: 'Enter the ranks to verify, e.g. 1-3 or 1, 4.' });
    expect(parseRanks('1, top')).toEqual({ error: '"top" is not a rank or a range like 1-3.' });
    expect(parseRanks('0')).toEqual({ error: 'Ranks start at 1.' });
    expect(parseRanks('5-2')).toEqual({ error: 'The range "5-2" runs backwards.' });
    expect(parseRanks('1-101')).toEqual({ error: 'At most 100 ranks at once.' });
  });

  it('offers the top three, or all of fewer', () => {
    expect(defaultRanks(10)).toBe('1-3');
    expect(defaultRanks(2)).toBe('1-2');
    expect(defaultRanks(1)).toBe('1');
  });
});
