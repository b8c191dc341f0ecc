import { describe, expect, it } from 'vitest';
import { activationColour, activationTextColour } from './activation-colours';

const luminance = (hex: string): number => {
  const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255).map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4)) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
};
const contrast = (a: string, b: string): number => {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
};

describe('activation colours', () => {
  it('gives the common activations distinct colours whatever the spelling', () => {
    const kinds = ['SiLU', 'relu', 'Hardswish', 'ReLU6', 'LeakyReLU'];
    expect(new Set(kinds.map(activationColour)).size).toBe(kinds.length);
    expect(activationColour('silu')).toBe(activationColour('SiLU'));
    expect(activationColour('leaky_relu')).toBe(activationColour('LeakyReLU'));
  });

  it('keeps text on every cell at WCAG AA contrast or better for large text', () => {
    for (const kind of ['silu', 'relu', 'hardswish', 'relu6', 'leakyrelu', 'gelu', 'mish', 'elu', 'tanh']) {
      expect(contrast(activationColour(kind), activationTextColour(kind)), kind).toBeGreaterThanOrEqual(3);
    }
  });
});
