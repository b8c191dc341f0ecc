import { describe, expect, it } from 'vitest';
import { ActivationRegistry, EXTENSION_ACTIVATIONS, GELU, LeakyReLU, UnknownActivationError, defaultActivationRegistry } from '@actnas/core';

describe('activation registry', () => {
  it('resolves the names other tools use', () => {
    const reg = defaultActivationRegistry();
    expect(reg.resolve('nn.SiLU()').id).toBe('silu');
    expect(reg.resolve('Swish').id).toBe('silu');
    expect(reg.resolve('hswish').id).toBe('hardswish');
    expect(reg.resolve('ReLU6').id).toBe('relu6');
    expect(reg.resolve('Leaky_ReLU').id).toBe('leakyrelu');
    expect(reg.resolve('LeakyReLU').params).toEqual({ alpha: 0.1 });
  });

  it('treats a LeakyReLU of another slope as its own kind', () => {
    const reg = defaultActivationRegistry();
    const k = reg.resolve('nn.LeakyReLU(0.2)');
    expect(k.id).toBe('leakyrelu(0.2)');
    expect(k.apply(-1)).toBeCloseTo(-0.2);
    expect(LeakyReLU.apply(-1)).toBeCloseTo(-0.1);
  });

  it('rejects kinds that are not registered, naming the known ones', () => {
    const reg = defaultActivationRegistry();
    expect(() => reg.resolve('gelu')).toThrow(UnknownActivationError);
    expect(() => reg.resolve('gelu')).toThrow(/known: relu, silu, hardswish, relu6, leakyrelu/);
  });

  it('lets a user register extension kinds', () => {
    const reg = new ActivationRegistry().register(GELU);
    expect(reg.resolve('GELU')).toBe(GELU);
    expect(EXTENSION_ACTIVATIONS.map((k) => k.id)).toEqual(['gelu', 'mish', 'hardsigmoid', 'identity']);
    expect(GELU.apply(1)).toBeCloseTo(0.841345, 5);
  });
});
