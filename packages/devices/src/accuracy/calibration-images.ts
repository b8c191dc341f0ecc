import { readdirSync, readFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { createRng } from '../random/seeded-rng.js';
import type { TensorData } from '../runtimes/runtime.js';

/** An RGB image in [0, 1], CHW float32. */
export interface CalibrationImage {
  readonly width: number;
  readonly height: number;
  readonly chw: Float32Array;
}

/**
 * A seeded synthetic scene: a smooth colour gradient background, a few filled rectangles and
 * ellipses of random colours, and mild pixel noise — enough structure (edges, flat regions,
 * colour) that feature maps vary across images, with no dataset needed.
 */
export function syntheticImage(size: number, seed: number): CalibrationImage {
  const rng = createRng(seed);
  const chw = new Float32Array(3 * size * size);
  const plane = size * size;
  const base = [0, 1, 2].map(() => [rng.float(), rng.float() - 0.5, rng.float() - 0.5] as const);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      for (let c = 0; c < 3; c++) {
        const [b0, gx, gy] = base[c]!;
        chw[c * plane + y * size + x] = b0 + (gx * x) / size + (gy * y) / size;
      }
    }
  }
  const shapes = rng.int(3, 8);
  for (let s = 0; s < shapes; s++) {
    const colour = [rng.float(), rng.float(), rng.float()];
    const cx = rng.float() * size;
    const cy = rng.float() * size;
    const rx = (0.05 + 0.25 * rng.float()) * size;
    const ry = (0.05 + 0.25 * rng.float()) * size;
    const ellipse = rng.float() < 0.5;
    for (let y = Math.max(0, Math.floor(cy - ry)); y < Math.min(size, Math.ceil(cy + ry)); y++) {
      for (let x = Math.max(0, Math.floor(cx - rx)); x < Math.min(size, Math.ceil(cx + rx)); x++) {
        if (ellipse && ((x - cx) / rx) ** 2 + ((y - cy) / ry) ** 2 > 1) continue;
        for (let c = 0; c < 3; c++) chw[c * plane + y * size + x] = colour[c]!;
      }
    }
  }
  for (let i = 0; i < chw.length; i++) chw[i] = Math.min(1, Math.max(0, chw[i]! + 0.03 * rng.normal()));
  return { width: size, height: size, chw };
}

/** Bilinear resize of a CHW image to size × size. */
export function resizeChw(img: CalibrationImage, size: number): Float32Array {
  const out = new Float32Array(3 * size * size);
  const sx = img.width / size;
  const sy = img.height / size;
  for (let c = 0; c < 3; c++) {
    const src = c * img.width * img.height;
    for (let y = 0; y < size; y++) {
      const fy = Math.max(0, (y + 0.5) * sy - 0.5);
      const y0 = Math.min(img.height - 1, Math.floor(fy));
      const y1 = Math.min(img.height - 1, y0 + 1);
      const wy = fy - y0;
      for (let x = 0; x < size; x++) {
        const fx = Math.max(0, (x + 0.5) * sx - 0.5);
        const x0 = Math.min(img.width - 1, Math.floor(fx));
        const x1 = Math.min(img.width - 1, x0 + 1);
        const wx = fx - x0;
        const at = (yy: number, xx: number): number => img.chw[src + yy * img.width + xx]!;
        out[c * size * size + y * size + x] = (1 - wy) * ((1 - wx) * at(y0, x0) + wx * at(y0, x1)) + wy * ((1 - wx) * at(y1, x0) + wx * at(y1, x1));
      }
    }
  }
  return out;
}

function fromRgba(width: number, height: number, rgba: Uint8Array): CalibrationImage {
  const plane = width * height;
  const chw = new Float32Array(3 * plane);
  for (let i = 0; i < plane; i++) for (let c = 0; c < 3; c++) chw[c * plane + i] = rgba[i * 4 + c]! / 255;
  return { width, height, chw };
}

export class CalibrationImageError extends Error {
  override readonly name = 'CalibrationImageError';
}

export function decodeImage(bytes: Uint8Array, name: string): CalibrationImage {
  const ext = extname(name).toLowerCase();
  try {
    if (ext === '.png') {
      const png = PNG.sync.read(Buffer.from(bytes));
      return fromRgba(png.width, png.height, png.data);
    }
    if (ext === '.jpg' || ext === '.jpeg') {
      const img = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true });
      return fromRgba(img.width, img.height, img.data);
    }
  } catch (err) {
    throw new CalibrationImageError(`cannot decode ${name}: ${err instanceof Error ? err.message : String(err)}`);
  }
  throw new CalibrationImageError(`unsupported image type: ${name} (PNG or JPEG)`);
}

const IMAGE_EXTENSIONS = new Set(['.png', '.jpg', '.jpeg']);

/** PNG/JPEG files of a folder, sorted by name so a batch is the same on every run. */
export function folderImages(dir: string, limit: number): CalibrationImage[] {
  const files = readdirSync(dir).filter((f) => IMAGE_EXTENSIONS.has(extname(f).toLowerCase())).sort().slice(0, limit);
  if (files.length === 0) throw new CalibrationImageError(`no PNG or JPEG images in ${dir}`);
  return files.map((f) => decodeImage(readFileSync(join(dir, f)), f));
}

export type CalibrationSource = { readonly kind: 'synthetic'; readonly seed: number } | { readonly kind: 'folder'; readonly dir: string };

/** A [batch, 3, size, size] input batch; a folder smaller than the batch is cycled. */
export function calibrationBatch(source: CalibrationSource, batch: number, size: number): TensorData {
  const data = new Float32Array(batch * 3 * size * size);
  const images = source.kind === 'folder' ? folderImages(source.dir, batch) : [];
  for (let b = 0; b < batch; b++) {
    const img = source.kind === 'synthetic' ? syntheticImage(size, source.seed * 1000 + b) : images[b % images.length]!;
    data.set(img.width === size && img.height === size ? img.chw : resizeChw(img, size), b * 3 * size * size);
  }
  return { dims: [batch, 3, size, size], data };
}
