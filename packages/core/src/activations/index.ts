export type { ActivationFamily, ActivationKind } from './activation.js';
export {
  DEFAULT_LEAKY_ALPHA,
  EXTENSION_ACTIVATIONS,
  GELU,
  HardSigmoid,
  Hardswish,
  Identity,
  LeakyReLU,
  Mish,
  PAPER_ACTIVATIONS,
  ReLU,
  ReLU6,
  SiLU,
  leakyReLU,
} from './activation.js';
export {
  ActivationRegistry,
  UnknownActivationError,
  defaultActivationRegistry,
  fullActivationRegistry,
} from './activation-registry.js';
