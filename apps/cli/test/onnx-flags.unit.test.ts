import { describe, expect, it } from 'vitest';
import { DEFAULT_MAX_ONNX_BYTES } from '@actnas/core';
import { MAX_MB_FLAG } from '../src/model/onnx-flags.js';

describe('--max-mb', () => {
  it('defaults to the ONNX importer’s own limit', () => {
    expect(Number(MAX_MB_FLAG[2]) * 1024 * 1024).toBe(DEFAULT_MAX_ONNX_BYTES);
  });
});
