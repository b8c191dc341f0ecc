/**
 * The input size an imported model is analysed at. Feature-map shapes (and so every cost) depend
 * on it, so image inputs with dynamic height/width (Ultralytics `dynamic=True`) are bound to a
 * size: the caller's `imgsz`, else the `imgsz` Ultralytics' exporter writes in metadata_props.
 * A dynamic batch stays symbolic.
 */
import type { OnnxModel, OnnxValueInfo } from './onnx-proto.js';
import { valueInfoShape } from './onnx-proto.js';
import { OnnxImportError } from './onnx-import-error.js';
import type { Shape } from './onnx-symbolic-dim.js';

export type InputSizeSource = 'option' | 'ultralytics-metadata';

/** How dynamic input dims were fixed for the analysis. */
export interface InputBinding {
  /** Height and width the dynamic spatial dims were set to. */
  readonly imgsz: readonly [number, number];
  readonly source: InputSizeSource;
}

export interface BoundInputs {
  readonly shapes: ReadonlyMap<string, Shape>;
  readonly binding?: InputBinding;
}

/** `640` or `[640, 640]` (height, width). */
export type ImgszOption = number | readonly [number, number];

function normalizeImgsz(imgsz: ImgszOption): [number, number] {
  const [h, w] = typeof imgsz === 'number' ? [imgsz, imgsz] : imgsz;
  if (!Number.isInteger(h) || !Number.isInteger(w) || h <= 0 || w <= 0) throw new RangeError(`imgsz must be positive integers, got ${String(imgsz)}`);
  return [h, w];
}

/** `imgsz` from Ultralytics' export metadata (`"[640, 640]"` or `"640"`), if present. */
export function ultralyticsImgsz(model: OnnxModel): [number, number] | undefined {
  const entry = (model.metadataProps ?? []).find((e) => e.key === 'imgsz');
  const numbers = (entry?.value ?? '').match(/\d+/g)?.map(Number) ?? [];
  if (numbers.length === 1 && numbers[0]! > 0) return [numbers[0]!, numbers[0]!];
  if (numbers.length === 2 && numbers.every((n) => n > 0)) return [numbers[0]!, numbers[1]!];
  return undefined;
}

const dimText = (shape: readonly (number | string | undefined)[]): string => `[${shape.map((d) => d ?? '?').join(', ')}]`;

/** Image-like inputs: rank 3 or more; dim 0 is the batch, dim 1 the channels, the rest spatial. */
function isImageInput(shape: readonly unknown[]): boolean {
  return shape.length >= 3;
}

/**
 * Shapes for the graph inputs with dynamic spatial dims bound. Throws `OnnxImportError`
 * DYNAMIC_INPUT_SIZE when a dim other than the batch is dynamic and no size is known, and
 * INPUT_SIZE_MISMATCH when `imgsz` is given for an input fixed at another size.
 */
export function bindInputSizes(model: OnnxModel, inputs: readonly OnnxValueInfo[], imgsz: ImgszOption | undefined): BoundInputs {
  const wanted = imgsz === undefined ? undefined : normalizeImgsz(imgsz);
  const shapes = new Map<string, Shape>();
  let binding: InputBinding | undefined;
  for (const input of inputs) {
    const name = input.name ?? '';
    const shape = valueInfoShape(input);
    if (!shape || !isImageInput(shape)) continue;
    const dynamic = shape.slice(1).some((d) => typeof d !== 'number');
    if (!dynamic) {
      const fixed = shape.slice(-2) as number[];
      if (wanted && (fixed[0] !== wanted[0] || fixed[1] !== wanted[1])) {
        throw new OnnxImportError('INPUT_SIZE_MISMATCH', `input "${name}" is fixed at ${fixed.join('×')}, not the requested ${wanted.join('×')}: export the model at that size or with dynamic height and width`);
      }
      continue;
    }
    if (typeof shape[1] !== 'number' || shape.length !== 4) {
      throw new OnnxImportError('DYNAMIC_INPUT_SIZE', `input "${name}" has dynamic dims ${dimText(shape)} that are not the height and width of an NCHW image: export it with fixed dims`);
    }
    const size = wanted ?? ultralyticsImgsz(model);
    if (!size) {
      throw new OnnxImportError(
        'DYNAMIC_INPUT_SIZE',
        `input "${name}" has dynamic spatial dims ${dimText(shape)}: feature-map shapes depend on the input size, so give it (imgsz, e.g. --imgsz 640) or export with fixed height and width`,
      );
    }
    binding = { imgsz: size, source: wanted ? 'option' : 'ultralytics-metadata' };
    shapes.set(name, shape.map((d, i) => (i < 2 || typeof d === 'number' ? d : size[i - 2])));
  }
  return { shapes, ...(binding ? { binding } : {}) };
}
