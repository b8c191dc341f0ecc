import { buildBottleneck } from './bottleneck.module.js';
import { buildConv } from './conv.module.js';
import { buildC2f, buildC3 } from './csp.module.js';
import { buildDetect } from './detect.module.js';
import type { ModuleBuilder } from './module.types.js';
import { buildConcat, buildSppf, buildUpsample } from './simple.module.js';

/** Builders by YAML module name; must cover SUPPORTED_MODULES of the parser. */
export const MODULE_BUILDERS: Readonly<Record<string, ModuleBuilder>> = {
  Conv: buildConv,
  C3: buildC3,
  C2f: buildC2f,
  Bottleneck: buildBottleneck,
  SPPF: buildSppf,
  Concat: buildConcat,
  'nn.Upsample': buildUpsample,
  Detect: buildDetect,
};

/** Modules that take the repeat count as a constructor argument instead of being repeated. */
export const REPEAT_INSIDE: ReadonlySet<string> = new Set(['C3', 'C2f']);
