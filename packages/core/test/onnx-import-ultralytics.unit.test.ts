import { describe, expect, it } from 'vitest';
import type { ImportedModel } from '@actnas/core';
import { fullActivationRegistry, importOnnx } from '@actnas/core';
import type { UltralyticsFixture } from './ultralytics-fixtures.js';
import { expectedShape, fixtureOnnx, ultralyticsFixture, ultralyticsFixtures, upgradeOpset } from './ultralytics-fixtures.js';

/** yolov3u is 415 MB of weights: over the default limit of 512 MiB it is not, but leave room. */
const MAX_BYTES = 1 << 30;

/** Sigmoids that are not activations: class scores, keypoint visibility (pose), the mask coefficients' head. */
const EXPECTED_WARNINGS = new Set(['SIGMOID_NOT_SILU']);

function expectUltralyticsSites(imported: ImportedModel, fixture: UltralyticsFixture): void {
  expect(imported.sites.map((s) => s.name)).toEqual(fixture.sites.map((s) => s.name));
  imported.sites.forEach((site, k) => {
    const e = fixture.sites[k]!;
    const activation = fullActivationRegistry().resolve(e.activation).id;
    expect([site.name, site.activation.id, site.opTypes.filter((t) => t !== 'Constant'), site.shape]).toEqual([e.name, activation, e.opTypes, expectedShape(fixture, e)]);
    expect([site.nameSource, site.channels, site.convNode !== undefined]).toEqual(['node-name', e.shape[1], true]);
  });
  expect(imported.warnings.filter((w) => !EXPECTED_WARNINGS.has(w.code))).toEqual([]);
}

describe.each(ultralyticsFixtures().map((f) => [f.name, f] as const))('import of %s', (_name, fixture) => {
  it(`finds and shapes the ${fixture.sites.length} sites of Ultralytics' module list, in forward order`, () => {
    const imported = importOnnx(fixtureOnnx(fixture), { maxBytes: MAX_BYTES });
    expect(imported.opset).toBe(fixture.opset);
    expectUltralyticsSites(imported, fixture);
  });
});

describe('opsets 18–20 (the same exports adapted as onnx.version_converter does)', () => {
  const names = ['yolov8n-torch-opset17-dynamic', 'yolo11n-ultralytics-opset17', 'yolo12n-ultralytics-opset17', 'yolo26n-ultralytics-opset17', 'yolo26n-torch-opset17'];
  it.each(names.flatMap((name) => ([18, 19, 20] as const).map((opset) => [name, opset] as const)))('%s at opset %i', (name, opset) => {
    const fixture = ultralyticsFixture(name);
    const imported = importOnnx(upgradeOpset(fixtureOnnx(fixture), opset));
    expect(imported.opset).toBe(opset);
    expectUltralyticsSites(imported, fixture);
  });
});

describe('dynamic input size', () => {
  const fixture = ultralyticsFixture('yolo11n-ultralytics-opset17-dynamic');
  const bytes = fixtureOnnx(fixture);

  it('an Ultralytics export with dynamic=True is shaped at the imgsz its metadata records', () => {
    const imported = importOnnx(bytes);
    expect(imported.inputs[0]!.shape).toEqual(['batch', 3, 'height', 'width']);
    expect(imported.inputBinding).toEqual({ imgsz: [640, 640], source: 'ultralytics-metadata' });
    expect(imported.sites[0]!.shape).toEqual(['batch', 16, 320, 320]);
  });

  it('the imgsz option wins, and may be rectangular', () => {
    const imported = importOnnx(bytes, { imgsz: [320, 480] });
    expect(imported.inputBinding).toEqual({ imgsz: [320, 480], source: 'option' });
    expect(imported.sites[0]!.shape).toEqual(['batch', 16, 160, 240]);
    expect(imported.sites.at(-1)!.shape).toEqual(['batch', 80, 10, 15]);
    expect(imported.warnings.filter((w) => w.code !== 'SIGMOID_NOT_SILU')).toEqual([]);
  });
});
