import { describe, expect, it } from 'vitest';
import { formatDelta, formatSignedNumber, formatValue } from './units';

describe('units and precision', () => {
  it('gives every value its unit at a precision that suits it', () => {
    expect(formatValue(806.4566, 'ms')).toBe('806.46 ms');
    expect(formatValue(0.0123, 'ms')).toBe('0.012 ms');
    expect(formatValue(538.67, 'KB')).toBe('538.7 KB');
    expect(formatValue(0.33497, 'mAP')).toBe('0.3350 mAP');
  });

  it('signs changes with a real minus and shows small accuracy changes (not −0.000)', () => {
    expect(formatDelta(-0.00049, 'mAP')).toBe('\u22120.0005 mAP');
    expect(formatDelta(-131.433, 'ms')).toBe('\u2212131.43 ms');
    expect(formatDelta(2.5, 'KB')).toBe('+2.5 KB');
    expect(formatDelta(-0.00001, 'mAP')).toBe('±0 mAP');
    expect(formatSignedNumber(-0.005, 'mAP')).toBe('\u22120.0050');
  });
});
