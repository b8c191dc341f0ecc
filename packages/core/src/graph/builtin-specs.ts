import { YOLO11_YAML, YOLO12_YAML, YOLO26_YAML, YOLOV10N_YAML, YOLOV9T_YAML } from './builtin-yamls.js';
import type { ModelSpec, ModuleLayout } from './graph.types.js';
import { ModelSpecError } from './model-spec.error.js';
import { parseModelYaml } from './yaml-spec.parser.js';

export { YOLO11_YAML, YOLO12_YAML, YOLO26_YAML, YOLOV10N_YAML, YOLOV9T_YAML } from './builtin-yamls.js';

/* The model YAMLs as Ultralytics publishes them (ultralytics/cfg/models/v5/yolov5.yaml and
   v8/yolov8.yaml; the classic anchor head from the yolov5 repository's models/yolov5n.yaml). */

export const YOLOV5U_YAML = `# Ultralytics YOLOv5 (anchor-free v8 head), ultralytics/cfg/models/v5/yolov5.yaml
nc: 80 # number of classes
scales: # model compound scaling constants, i.e. 'model=yolov5n.yaml' will call yolov5.yaml with scale 'n'
  # [depth, width, max_channels]
  n: [0.33, 0.25, 1024]
  s: [0.33, 0.50, 1024]
  m: [0.67, 0.75, 1024]
  l: [1.00, 1.00, 1024]
  x: [1.33, 1.25, 1024]

# YOLOv5 v6.0 backbone
backbone:
  # [from, number, module, args]
  - [-1, 1, Conv, [64, 6, 2, 2]] # 0-P1/2
  - [-1, 1, Conv, [128, 3, 2]] # 1-P2/4
  - [-1, 3, C3, [128]]
  - [-1, 1, Conv, [256, 3, 2]] # 3-P3/8
  - [-1, 6, C3, [256]]
  - [-1, 1, Conv, [512, 3, 2]] # 5-P4/16
  - [-1, 9, C3, [512]]
  - [-1, 1, Conv, [1024, 3, 2]] # 7-P5/32
  - [-1, 3, C3, [1024]]
  - [-1, 1, SPPF, [1024, 5]] # 9

# YOLOv5 v6.0 head
head:
  - [-1, 1, Conv, [512, 1, 1]]
  - [-1, 1, nn.Upsample, [None, 2, "nearest"]]
  - [[-1, 6], 1, Concat, [1]] # cat backbone P4
  - [-1, 3, C3, [512, False]] # 13

  - [-1, 1, Conv, [256, 1, 1]]
  - [-1, 1, nn.Upsample, [None, 2, "nearest"]]
  - [[-1, 4], 1, Concat, [1]] # cat backbone P3
  - [-1, 3, C3, [256, False]] # 17 (P3/8-small)

  - [-1, 1, Conv, [256, 3, 2]]
  - [[-1, 14], 1, Concat, [1]] # cat head P4
  - [-1, 3, C3, [512, False]] # 20 (P4/16-medium)

  - [-1, 1, Conv, [512, 3, 2]]
  - [[-1, 10], 1, Concat, [1]] # cat head P5
  - [-1, 3, C3, [1024, False]] # 23 (P5/32-large)

  - [[17, 20, 23], 1, Detect, [nc]] # Detect(P3, P4, P5)
`;

export const YOLOV8_YAML = `# Ultralytics YOLOv8, ultralytics/cfg/models/v8/yolov8.yaml
nc: 80 # number of classes
scales: # model compound scaling constants, i.e. 'model=yolov8n.yaml' will call yolov8.yaml with scale 'n'
  # [depth, width, max_channels]
  n: [0.33, 0.25, 1024] # YOLOv8n summary: 225 layers,  3157200 parameters,  3157184 gradients,   8.9 GFLOPs
  s: [0.33, 0.50, 1024] # YOLOv8s summary: 225 layers, 11166560 parameters, 11166544 gradients,  28.8 GFLOPs
  m: [0.67, 0.75, 768] # YOLOv8m summary: 295 layers, 25902640 parameters, 25902624 gradients,  79.3 GFLOPs
  l: [1.00, 1.00, 512] # YOLOv8l summary: 365 layers, 43691520 parameters, 43691504 gradients, 165.7 GFLOPs
  x: [1.00, 1.25, 512] # YOLOv8x summary: 365 layers, 68229648 parameters, 68229632 gradients, 258.5 GFLOPs

# YOLOv8.0n backbone
backbone:
  # [from, repeats, module, args]
  - [-1, 1, Conv, [64, 3, 2]] # 0-P1/2
  - [-1, 1, Conv, [128, 3, 2]] # 1-P2/4
  - [-1, 3, C2f, [128, True]]
  - [-1, 1, Conv, [256, 3, 2]] # 3-P3/8
  - [-1, 6, C2f, [256, True]]
  - [-1, 1, Conv, [512, 3, 2]] # 5-P4/16
  - [-1, 6, C2f, [512, True]]
  - [-1, 1, Conv, [1024, 3, 2]] # 7-P5/32
  - [-1, 3, C2f, [1024, True]]
  - [-1, 1, SPPF, [1024, 5]] # 9

# YOLOv8.0n head
head:
  - [-1, 1, nn.Upsample, [None, 2, "nearest"]]
  - [[-1, 6], 1, Concat, [1]] # cat backbone P4
  - [-1, 3, C2f, [512]] # 12

  - [-1, 1, nn.Upsample, [None, 2, "nearest"]]
  - [[-1, 4], 1, Concat, [1]] # cat backbone P3
  - [-1, 3, C2f, [256]] # 15 (P3/8-small)

  - [-1, 1, Conv, [256, 3, 2]]
  - [[-1, 12], 1, Concat, [1]] # cat head P4
  - [-1, 3, C2f, [512]] # 18 (P4/16-medium)

  - [-1, 1, Conv, [512, 3, 2]]
  - [[-1, 9], 1, Concat, [1]] # cat head P5
  - [-1, 3, C2f, [1024]] # 21 (P5/32-large)

  - [[15, 18, 21], 1, Detect, [nc]] # Detect(P3, P4, P5)
`;

export const YOLOV5N_CLASSIC_YAML = `# YOLOv5n (classic anchor head), ultralytics/yolov5 models/yolov5n.yaml
nc: 80 # number of classes
depth_multiple: 0.33 # model depth multiple
width_multiple: 0.25 # layer channel multiple
anchors:
  - [10, 13, 16, 30, 33, 23] # P3/8
  - [30, 61, 62, 45, 59, 119] # P4/16
  - [116, 90, 156, 198, 373, 326] # P5/32

# YOLOv5 v6.0 backbone
backbone:
  # [from, number, module, args]
  [
    [-1, 1, Conv, [64, 6, 2, 2]], # 0-P1/2
    [-1, 1, Conv, [128, 3, 2]], # 1-P2/4
    [-1, 3, C3, [128]],
    [-1, 1, Conv, [256, 3, 2]], # 3-P3/8
    [-1, 6, C3, [256]],
    [-1, 1, Conv, [512, 3, 2]], # 5-P4/16
    [-1, 9, C3, [512]],
    [-1, 1, Conv, [1024, 3, 2]], # 7-P5/32
    [-1, 3, C3, [1024]],
    [-1, 1, SPPF, [1024, 5]], # 9
  ]

# YOLOv5 v6.0 head
head: [
    [-1, 1, Conv, [512, 1, 1]],
    [-1, 1, nn.Upsample, [None, 2, "nearest"]],
    [[-1, 6], 1, Concat, [1]], # cat backbone P4
    [-1, 3, C3, [512, False]], # 13

    [-1, 1, Conv, [256, 1, 1]],
    [-1, 1, nn.Upsample, [None, 2, "nearest"]],
    [[-1, 4], 1, Concat, [1]], # cat backbone P3
    [-1, 3, C3, [256, False]], # 17 (P3/8-small)

    [-1, 1, Conv, [256, 3, 2]],
    [[-1, 14], 1, Concat, [1]], # cat head P4
    [-1, 3, C3, [512, False]], # 20 (P4/16-medium)

    [-1, 1, Conv, [512, 3, 2]],
    [[-1, 10], 1, Concat, [1]], # cat head P5
    [-1, 3, C3, [1024, False]], # 23 (P5/32-large)

    [[17, 20, 23], 1, Detect, [nc, anchors]], # Detect(P3, P4, P5)
  ]
`;

interface BuiltinSource {
  readonly yaml: string;
  readonly scale?: string;
}

const SOURCES: Readonly<Record<string, BuiltinSource>> = {
  yolov5n: { yaml: YOLOV5N_CLASSIC_YAML },
  yolov5nu: { yaml: YOLOV5U_YAML, scale: 'n' },
  yolov5su: { yaml: YOLOV5U_YAML, scale: 's' },
  yolov5mu: { yaml: YOLOV5U_YAML, scale: 'm' },
  yolov8n: { yaml: YOLOV8_YAML, scale: 'n' },
  yolov8s: { yaml: YOLOV8_YAML, scale: 's' },
  yolov8m: { yaml: YOLOV8_YAML, scale: 'm' },
  yolov9t: { yaml: YOLOV9T_YAML },
  yolov10n: { yaml: YOLOV10N_YAML, scale: 'n' },
  yolo11n: { yaml: YOLO11_YAML, scale: 'n' },
  yolo11s: { yaml: YOLO11_YAML, scale: 's' },
  yolo11m: { yaml: YOLO11_YAML, scale: 'm' },
  yolo12n: { yaml: YOLO12_YAML, scale: 'n' },
  yolo26n: { yaml: YOLO26_YAML, scale: 'n' },
  yolo26s: { yaml: YOLO26_YAML, scale: 's' },
  yolo26m: { yaml: YOLO26_YAML, scale: 'm' },
};

/** Names of the built-in model specs. */
export const BUILTIN_MODEL_NAMES: readonly string[] = Object.freeze(Object.keys(SOURCES));

const parse = (name: string, layout?: ModuleLayout): ModelSpec => {
  const src = SOURCES[name]!;
  return parseModelYaml(src.yaml, { name, ...(src.scale ? { scale: src.scale } : {}), ...(layout ? { layout } : {}) });
};

/** The built-in model specs by name (`yolov5nu`, `yolo11n`, ...), in their default layout. */
export const BUILTIN_MODEL_SPECS: ReadonlyMap<string, ModelSpec> = new Map(BUILTIN_MODEL_NAMES.map((name) => [name, parse(name)] as const));

export function isBuiltinModel(name: string): boolean {
  return BUILTIN_MODEL_SPECS.has(name.toLowerCase());
}

export interface BuiltinModelOptions {
  /** `pre-8.4` for checkpoints trained before Ultralytics 8.4.0 (SiLU after SPPF.cv1). */
  readonly layout?: ModuleLayout;
}

/** A built-in spec by name; throws `ModelSpecError` listing the known names. */
export function builtinModelSpec(name: string, options: BuiltinModelOptions = {}): ModelSpec {
  const key = name.toLowerCase();
  const spec = BUILTIN_MODEL_SPECS.get(key);
  if (!spec) throw new ModelSpecError(`unknown model "${name}" (built-in: ${BUILTIN_MODEL_NAMES.join(', ')})`);
  return options.layout === undefined || options.layout === spec.layout ? spec : parse(key, options.layout);
}
