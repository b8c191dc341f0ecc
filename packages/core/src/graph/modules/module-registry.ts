import { buildA2C2f } from './area-attention.module.js';
import { buildBottleneck } from './bottleneck.module.js';
import { buildConv, buildDWConv } from './conv.module.js';
import { buildC2, buildC2f, buildC3, buildC3k2 } from './csp.module.js';
import { buildDetect, buildPose, buildPose26, buildSegment, buildSegment26, buildV10Detect } from './detect.module.js';
import {
  buildADown, buildAConv, buildCBFuse, buildCBLinear, buildELAN1, buildRepNCSPELAN4, buildSPPELAN,
} from './elan.module.js';
import { buildC3Ghost, buildGhostBottleneck, buildGhostConv } from './ghost.module.js';
import type { ModuleBuilder } from './module.types.js';
import { buildC2fPSA, buildC2PSA, buildPSA } from './psa.module.js';
import {
  buildConcat, buildConvTranspose, buildIdentity, buildMaxPool, buildSpp, buildSppf, buildUpsample, buildZeroPad,
} from './simple.module.js';
import { buildC2fCIB, buildSCDown } from './v10.module.js';

/** Builders by YAML module name, as Ultralytics 8.4 spells them. */
export const MODULE_BUILDERS: Readonly<Record<string, ModuleBuilder>> = {
  Conv: buildConv,
  DWConv: buildDWConv,
  GhostConv: buildGhostConv,
  Bottleneck: buildBottleneck,
  GhostBottleneck: buildGhostBottleneck,
  C2: buildC2,
  C2f: buildC2f,
  C3: buildC3,
  C3k2: buildC3k2,
  C3Ghost: buildC3Ghost,
  A2C2f: buildA2C2f,
  C2PSA: buildC2PSA,
  C2fPSA: buildC2fPSA,
  PSA: buildPSA,
  SCDown: buildSCDown,
  C2fCIB: buildC2fCIB,
  ELAN1: buildELAN1,
  RepNCSPELAN4: buildRepNCSPELAN4,
  AConv: buildAConv,
  ADown: buildADown,
  SPPELAN: buildSPPELAN,
  CBLinear: buildCBLinear,
  CBFuse: buildCBFuse,
  SPPF: buildSppf,
  SPP: buildSpp,
  Concat: buildConcat,
  'nn.Upsample': buildUpsample,
  'nn.MaxPool2d': buildMaxPool,
  'nn.ZeroPad2d': buildZeroPad,
  'nn.Identity': buildIdentity,
  'nn.ConvTranspose2d': buildConvTranspose,
  Detect: buildDetect,
  v10Detect: buildV10Detect,
  Segment: buildSegment,
  Segment26: buildSegment26,
  Pose: buildPose,
  Pose26: buildPose26,
};

/** The module names a YAML may use. */
export const SUPPORTED_MODULES: readonly string[] = Object.freeze(Object.keys(MODULE_BUILDERS));

/** Ultralytics' `repeat_modules`: they take the repeat count as an argument instead of being repeated. */
export const REPEAT_INSIDE: ReadonlySet<string> = new Set(['C2', 'C2f', 'C3', 'C3k2', 'C2PSA', 'C2fPSA', 'C3Ghost', 'C2fCIB', 'A2C2f']);

/** Modules after which parse_model drops its `legacy` flag (the head's class branch changes). */
export const NON_LEGACY_MODULES: ReadonlySet<string> = new Set(['C3k2', 'A2C2f', 'C2fCIB']);
