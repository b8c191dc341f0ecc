import type { ActivationKind, OnnxNode, OnnxTensor } from '@actnas/core';
import { floatAttribute, float32Scalar } from '@actnas/core';

export interface LoweredActivation {
  readonly nodes: readonly OnnxNode[];
  readonly initializers: readonly OnnxTensor[];
}

/**
 * ONNX nodes for one activation, as PyTorch's exporter writes them (SiLU = Sigmoid + Mul, so
 * runtimes see what they would see in an exported model). Needs opset ≥ 14 for HardSwish.
 */
export function lowerActivation(kind: ActivationKind, input: string, output: string, prefix: string): LoweredActivation {
  const node = (opType: string, inputs: readonly string[], outputs: readonly string[], attribute: OnnxNode['attribute'] = []): OnnxNode => ({
    name: `${prefix}/${opType}`, opType, input: inputs, output: outputs, attribute,
  });
  switch (kind.family) {
    case 'relu':
      return { nodes: [node('Relu', [input], [output])], initializers: [] };
    case 'silu':
      return { nodes: [node('Sigmoid', [input], [`${prefix}/sigmoid`]), { ...node('Mul', [input, `${prefix}/sigmoid`], [output]) }], initializers: [] };
    case 'hardswish':
      return { nodes: [node('HardSwish', [input], [output])], initializers: [] };
    case 'hardsigmoid':
      return { nodes: [node('HardSigmoid', [input], [output], [floatAttribute('alpha', 1 / 6)])], initializers: [] };
    case 'relu6':
      return {
        nodes: [node('Clip', [input, `${prefix}/min`, `${prefix}/max`], [output])],
        initializers: [float32Scalar(`${prefix}/min`, 0), float32Scalar(`${prefix}/max`, 6)],
      };
    case 'leakyrelu':
      return { nodes: [node('LeakyRelu', [input], [output], [floatAttribute('alpha', kind.params['alpha'] ?? 0.1)])], initializers: [] };
    case 'identity':
      return { nodes: [node('Identity', [input], [output])], initializers: [] };
    case 'gelu':
      return { nodes: [node('Gelu', [input], [output])], initializers: [] };
    case 'mish':
      return { nodes: [node('Mish', [input], [output])], initializers: [] };
  }
}
