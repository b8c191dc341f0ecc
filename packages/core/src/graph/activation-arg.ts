import type { ActivationKind } from '../activations/index.js';
import { SiLU, fullActivationRegistry } from '../activations/index.js';
import { ModelSpecError } from './model-spec.error.js';

/** A YAML activation (`nn.ReLU()`, `torch.nn.SiLU()`); absent or `True` is SiLU. */
export function parseActivation(v: unknown, layer?: number, field = 'activation'): ActivationKind {
  if (v === undefined || v === null || v === true) return SiLU;
  if (typeof v !== 'string') throw new ModelSpecError(`"${field}" must be a torch module such as nn.ReLU()`, layer, field);
  const kind = fullActivationRegistry().tryResolve(v);
  if (!kind) throw new ModelSpecError(`unknown activation ${JSON.stringify(v)}`, layer, field);
  return kind;
}

