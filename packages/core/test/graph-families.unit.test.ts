import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  ReLU, SiLU, UnsupportedTaskError, buildGraph, builtinModelSpec, guessModelScale, parseModelYaml, ModelSpecError,
} from '@actnas/core';
import type { ModelGraph } from '@actnas/core';

/**
 * Figures of Ultralytics 8.4.52's own models (nn.tasks DetectionModel / SegmentationModel /
 * PoseModel built from the YAML, 80 classes): parameters as model.info() counts them, parameters
 * and thop FLOPs at 640 of the fused model in eval mode, and the activation sites in forward order
 * as forward hooks saw them at 256×256 (`name CxHxW` lines, first 16 hex digits of their sha256).
 * Measured with packages/core/scripts/ultralytics-oracle (see its README); the YAMLs are the ones
 * Ultralytics ships, copied to fixtures/ultralytics.
 */
const ULTRALYTICS: readonly (readonly [name: string, file: string, params: number, fusedParams: number, flops: number, sites: number, digest: string])[] = [
  ['yolov3', 'yolov3.yaml', 103_754_144, 103_725_920, 282_549_708_800, 84, '9ab454aecc915e94'],
  ['yolov3-tiny', 'yolov3-tiny.yaml', 12_173_248, 12_168_784, 19_002_419_200, 19, 'e35ac4846c6d3ff5'],
  ['yolov3-spp', 'yolov3-spp.yaml', 104_803_744, 104_775_008, 283_388_569_600, 85, '001a71bbf0b961af'],
  ['yolov5n', 'yolov5.yaml', 2_654_816, 2_649_200, 7_724_902_400, 68, '66d3794d51080b0a'],
  ['yolov5s', 'yolov5.yaml', 9_153_152, 9_142_496, 23_995_443_200, 68, '79aaf0672568686e'],
  ['yolov5m', 'yolov5.yaml', 25_111_456, 25_091_536, 64_205_875_200, 90, '0223bbab03b53c5a'],
  ['yolov5n-p6', 'yolov5-p6.yaml', 4_334_896, 4_326_688, 7_836_838_400, 90, 'ed1991e00e739348'],
  ['yolov6n', 'yolov6.yaml', 4_500_080, 4_495_392, 12_926_822_400, 52, '0830863ec23436d6'],
  ['yolov6s', 'yolov6.yaml', 16_452_192, 16_443_680, 44_379_187_200, 52, '297f0e33fa0d9b19'],
  ['yolov6m', 'yolov6.yaml', 52_020_496, 52_001_920, 160_564_684_800, 78, '1e3258b077c8e852'],
  ['yolov8n', 'yolov8.yaml', 3_157_200, 3_151_904, 8_743_987_200, 56, '7051400ebc0dbd61'],
  ['yolov8s', 'yolov8.yaml', 11_166_560, 11_156_544, 28_602_624_000, 56, '52dfc822fd6600a7'],
  ['yolov8m', 'yolov8.yaml', 25_902_640, 25_886_080, 78_936_729_600, 76, 'f946b128b010eea5'],
  ['yolov8n-p2', 'yolov8-p2.yaml', 3_354_144, 3_348_240, 17_227_622_400, 69, 'fc03fd1bc247b80a'],
  ['yolov8n-p6', 'yolov8-p6.yaml', 4_984_352, 4_976_656, 8_733_043_200, 74, 'ae36f1819ca4b22f'],
  ['yolov8s-p6', 'yolov8-p6.yaml', 17_911_792, 17_897_168, 28_514_572_800, 74, '1e9e14e4aab78406'],
  ['yolov8n-ghost', 'yolov8-ghost.yaml', 1_865_316, 1_860_332, 5_698_099_200, 70, 'fea36fbf03af8a71'],
  ['yolov8s-ghost', 'yolov8-ghost.yaml', 5_960_072, 5_950_680, 16_219_392_000, 70, '41eecb029c54addb'],
  ['yolov8n-ghost-p2', 'yolov8-ghost-p2.yaml', 2_033_944, 2_028_376, 13_639_731_200, 86, '675a095ad080a532'],
  ['yolov8n-ghost-p6', 'yolov8-ghost-p6.yaml', 2_901_100, 2_893_860, 5_707_916_800, 93, '227d388f8bfb395f'],
  ['yolov8n-seg', 'yolov8-seg.yaml', 3_409_968, 3_404_320, 12_002_764_800, 65, '3dc1bd48f34ba491'],
  ['yolov8n-seg-p6', 'yolov8-seg-p6.yaml', 5_302_816, 5_294_704, 11_993_868_800, 85, '545596cad262e0cd'],
  ['yolov8n-pose', 'yolov8-pose.yaml', 3_295_470, 3_289_964, 9_177_729_600, 62, 'c860842c5ce047f0'],
  ['yolov8n-pose-p6', 'yolov8-pose-p6.yaml', 5_182_152, 5_174_176, 9_166_573_200, 82, 'e69690322b891954'],
  ['yolov9t', 'yolov9t.yaml', 2_128_720, 2_094_000, 8_228_710_400, 179, '21107727ed902cc7'],
  ['yolov9s', 'yolov9s.yaml', 7_318_368, 7_198_048, 26_895_411_200, 179, '4ad777d3aaa53359'],
  ['yolov9m', 'yolov9m.yaml', 20_216_160, 20_070_832, 76_825_600_000, 133, 'e5bfd4167589f7f9'],
  ['yolov9c', 'yolov9c.yaml', 25_590_912, 25_380_928, 102_653_388_800, 138, '360fb4bd418df59e'],
  ['yolov9e', 'yolov9e.yaml', 58_206_592, 57_438_080, 189_462_374_400, 250, 'd44b6415efdb177e'],
  ['yolov9c-seg', 'yolov9c-seg.yaml', 27_897_120, 27_686_208, 147_897_804_800, 147, 'da94237a95db15a0'],
  ['yolov9e-seg', 'yolov9e-seg.yaml', 60_512_800, 59_743_360, 234_706_790_400, 259, '8752d57fe1d6d080'],
  ['yolov10n', 'yolov10n.yaml', 2_775_520, 2_299_264, 6_696_000_000, 68, 'ddf411a1267fffdc'],
  ['yolov10s', 'yolov10s.yaml', 8_128_272, 7_248_960, 21_579_724_800, 71, 'e51a2276a5333c86'],
  ['yolov10m', 'yolov10m.yaml', 16_576_768, 15_359_488, 59_098_137_600, 103, 'a7d8505f9e06d947'],
  ['yolov10b', 'yolov10b.yaml', 20_574_384, 19_065_792, 91_953_817_600, 109, '0f4750039ca18c1a'],
  ['yolov10l', 'yolov10l.yaml', 25_888_688, 24_371_008, 120_339_097_600, 141, '6b8f5052021b04a6'],
  ['yolov10x', 'yolov10x.yaml', 31_808_960, 29_473_568, 160_382_003_200, 159, '270c7b590bbc4f93'],
  ['yolo11n', 'yolo11.yaml', 2_624_080, 2_616_248, 6_481_062_400, 76, 'f164a7220ec0c1fe'],
  ['yolo11s', 'yolo11.yaml', 9_458_752, 9_443_760, 21_466_880_000, 76, 'c01f005329958f50'],
  ['yolo11m', 'yolo11.yaml', 20_114_688, 20_091_712, 67_981_568_000, 101, '88242ba56cec1331'],
  ['yolo11l', 'yolo11.yaml', 25_372_160, 25_340_992, 86_910_208_000, 158, '28ae1aa40507a6d9'],
  ['yolo11n-seg', 'yolo11-seg.yaml', 2_876_848, 2_868_664, 9_739_840_000, 85, '6406490e480912d8'],
  ['yolo11n-pose', 'yolo11-pose.yaml', 2_908_507, 2_900_369, 7_576_052_800, 82, '5ed382ab6ad3fbdb'],
  ['yolo12n', 'yolo12.yaml', 2_602_288, 2_590_824, 6_487_923_200, 81, '9a820ace9f1d1c6e'],
  ['yolo12s', 'yolo12.yaml', 9_284_096, 9_261_840, 21_375_744_000, 81, 'e87e1caaa69c3081'],
  ['yolo12m', 'yolo12.yaml', 20_199_168, 20_166_592, 67_446_425_600, 91, 'eb9d40c6d9b95b76'],
  ['yolo12l', 'yolo12.yaml', 26_450_784, 26_400_752, 88_877_516_800, 141, '5ed13844e925b5dc'],
  ['yolo12n-seg', 'yolo12-seg.yaml', 2_855_056, 2_843_240, 9_746_700_800, 90, '1df760b27d30947e'],
  ['yolo12n-pose', 'yolo12-pose.yaml', 2_886_715, 2_874_945, 7_582_913_600, 87, '0de60b059418bcda'],
  ['yolo26n', 'yolo26.yaml', 2_572_280, 2_408_932, 5_357_427_200, 87, '6bc3fffc22452a21'],
  ['yolo26s', 'yolo26.yaml', 10_009_784, 9_496_140, 20_687_462_400, 87, '560d1c1b0ace7d66'],
  ['yolo26m', 'yolo26.yaml', 21_896_248, 20_411_132, 68_179_968_000, 97, '9d78778b358f6048'],
  ['yolo26l', 'yolo26.yaml', 26_299_704, 24_807_420, 86_427_033_600, 147, '0e7af436945791a4'],
  ['yolo26n-seg', 'yolo26-seg.yaml', 3_126_280, 2_722_980, 9_127_385_600, 99, 'bdf48ad871587e48'],
  ['yolo26n-pose', 'yolo26-pose.yaml', 3_747_554, 2_960_395, 7_619_379_200, 93, '626197d9329e56a6'],
  ['yolo26n-p2', 'yolo26-p2.yaml', 2_662_400, 2_474_296, 7_404_608_000, 112, '391ee65e237de52a'],
  ['yolo26n-p6', 'yolo26-p6.yaml', 4_063_872, 3_835_736, 5_228_150_400, 122, 'e857b1c6daefb30a'],
];

const yaml = (file: string): string => readFileSync(new URL(`./fixtures/ultralytics/${file}`, import.meta.url), 'utf8');
const fromFile = (name: string, file: string, imgsz = 640): ModelGraph => buildGraph(parseModelYaml(yaml(file), { name }), { imgsz });
const siteDigest = (g: ModelGraph): string =>
  createHash('sha256').update(g.sites.map((s) => `${s.name} ${s.channels}x${s.height}x${s.width}`).join('\n')).digest('hex').slice(0, 16);
const gflops = (flops: number): string => (flops / 1e9).toFixed(1);

describe('the must-match table of issue 12 (80 classes, 640; unfused params, fused GFLOPs)', () => {
  it.each([
    ['yolo11n', 2_624_080, 2_616_248, '6.5'],
    ['yolo12n', 2_602_288, 2_590_824, '6.5'],
    ['yolo26n', 2_572_280, 2_408_932, '5.4'],
    ['yolov10n', 2_775_520, 2_299_264, '6.7'],
    ['yolov9t', 2_128_720, 2_094_000, '8.2'],
  ])('built-in %s: %i parameters (fused %i), %s GFLOPs', (name, params, fused, flops) => {
    const g = buildGraph(builtinModelSpec(name), { imgsz: 640 });
    expect(g.params).toBe(params);
    expect(g.fusedParams).toBe(fused);
    expect(gflops(g.flops)).toBe(flops);
  });

  it.each([
    ['yolo11s', 9_458_752, '21.5', 76], ['yolo11m', 20_114_688, '68.0', 101],
    ['yolo26s', 10_009_784, '20.7', 87], ['yolo26m', 21_896_248, '68.2', 97],
    ['yolo11n', 2_624_080, '6.5', 76], ['yolo12n', 2_602_288, '6.5', 81], ['yolo26n', 2_572_280, '5.4', 87],
    ['yolov10n', 2_775_520, '6.7', 68], ['yolov9t', 2_128_720, '8.2', 179],
  ])('built-in %s: %i parameters, %s GFLOPs, %i sites', (name, params, flops, sites) => {
    const g = buildGraph(builtinModelSpec(name), { imgsz: 640 });
    expect([g.params, gflops(g.flops), g.sites.length]).toEqual([params, flops, sites]);
  });
});

describe('every detection, segmentation and pose YAML Ultralytics ships for v3…26 equals Ultralytics 8.4.52', () => {
  it.each(ULTRALYTICS)('%s (%s): params, fused params, FLOPs and sites in forward order', (name, file, params, fused, flops, sites, digest) => {
    const g = fromFile(name, file);
    expect(g.params).toBe(params);
    expect(g.fusedParams).toBe(fused);
    expect(g.flops).toBe(flops);
    const small = fromFile(name, file, 256);
    expect(small.sites).toHaveLength(sites);
    expect(siteDigest(small)).toBe(digest);
  });
});

describe('module layout', () => {
  const names = (g: ModelGraph): string[] => g.sites.map((s) => s.name);

  it('follows Ultralytics 8.4 by default: no SPPF.cv1 site, every box branch before every class branch', () => {
    const g = buildGraph(builtinModelSpec('yolo11n'));
    expect(g.spec.layout).toBe('8.4');
    expect(names(g)).not.toContain('model.9.cv1.act');
    expect(names(g).slice(-18, -12)).toEqual(['cv2.0.0', 'cv2.0.1', 'cv2.1.0', 'cv2.1.1', 'cv2.2.0', 'cv2.2.1'].map((s) => `model.23.${s}.act`));
    expect(names(g).at(-1)).toBe('model.23.cv3.2.1.1.act');
  });

  it('builds the pre-8.4 layout on request: SiLU after SPPF.cv1, and Detect level by level', () => {
    const g = buildGraph(builtinModelSpec('yolo11n', { layout: 'pre-8.4' }));
    expect(g.sites).toHaveLength(77);
    expect(g.sites.find((s) => s.name === 'model.9.cv1.act')?.defaultActivation).toBe(SiLU);
    expect(names(g).slice(-18, -14)).toEqual(['model.23.cv2.0.0.act', 'model.23.cv2.0.1.act', 'model.23.cv3.0.0.0.act', 'model.23.cv3.0.0.1.act']);
    expect(g.params).toBe(2_624_080);
    expect(() => builtinModelSpec('yolo26n', { layout: 'pre-8.4' }) && buildGraph(builtinModelSpec('yolo26n', { layout: 'pre-8.4' })))
      .toThrow(/layer 9 \(args\): SPPF args \[1024,5,3,true\] need Ultralytics ≥ 8\.4/);
  });

  it('reads the layout from the actnas_layout key and the classic anchor YAML as the yolov5 repository builds it', () => {
    expect(parseModelYaml(`actnas_layout: pre-8.4\n${yaml('yolov8.yaml')}`, { name: 'yolov8n' }).layout).toBe('pre-8.4');
    expect(builtinModelSpec('yolov5n').layout).toBe('pre-8.4');
    expect(() => parseModelYaml(`actnas_layout: 8.3\n${yaml('yolov8.yaml')}`)).toThrow(/actnas_layout" must be one of 8\.4, pre-8\.4/);
  });
});

describe('heads', () => {
  it('YOLO26 deploys the one-to-one branch of its end-to-end head (reg_max 1, no DFL); the one-to-many branch only trains', () => {
    const g = buildGraph(builtinModelSpec('yolo26n'), { imgsz: 640 });
    expect(g.endToEnd).toBe(true);
    expect(g.output.shape).toEqual([300, 6]);
    const head = g.sites.filter((s) => s.layer === 23).map((s) => s.name);
    expect(head).toHaveLength(18);
    expect(head.every((n) => n.startsWith('model.23.one2one_'))).toBe(true);
    expect(g.ops.some((op) => op.module.startsWith('model.23.cv'))).toBe(false);
    expect(g.layers[23]!.params).toBe(2 * g.ops.filter((op) => op.layer === 23).reduce((s, op) => s + (op.kind === 'conv' ? op.cout * (op.cin / op.g) * op.k * op.k + (op.bn ? 2 * op.cout : op.cout) : 0), 0));
    expect(g.layers[23]!.args).toEqual([80, 1, true, [64, 128, 256]]);
  });

  it('keeps at most as many detections as the image has anchors', () => {
    expect(buildGraph(builtinModelSpec('yolo26n'), { imgsz: 64 }).output.shape).toEqual([84, 6]);
    expect(buildGraph(builtinModelSpec('yolov10n'), { imgsz: 320 }).output.shape).toEqual([300, 6]);
  });

  it('segmentation models have two outputs (detections with 32 mask coefficients, prototypes at stride 4)', () => {
    const g = fromFile('yolo11n-seg', 'yolo11-seg.yaml', 320);
    expect(g.task).toBe('segment');
    expect(g.outputs.map((t) => t.shape)).toEqual([[116, 2100], [32, 80, 80]]);
    const g26 = fromFile('yolo26n-seg', 'yolo26-seg.yaml', 320);
    expect(g26.outputs.map((t) => t.shape)).toEqual([[300, 38], [32, 80, 80]]);
  });

  it('pose models decode 17×3 keypoints per anchor', () => {
    expect(fromFile('yolov8n-pose', 'yolov8-pose.yaml', 320).output.shape).toEqual([56, 2100]);
    expect(fromFile('yolo26n-pose', 'yolo26-pose.yaml', 320).output.shape).toEqual([300, 57]);
  });
});

describe('modules', () => {
  it('attention blocks have sites only where Ultralytics has activations (Conv(act=False) is none)', () => {
    const g = buildGraph(builtinModelSpec('yolo11n'));
    expect(g.layers[10]!.sites).toEqual(['model.10.cv1.act', 'model.10.m.0.ffn.0.act', 'model.10.cv2.act']);
    const y12 = buildGraph(builtinModelSpec('yolo12n'));
    expect(y12.layers[6]!.sites).toEqual(['model.6.cv1.act', ...['0', '1'].flatMap((b) => [0, 1].map((m) => `model.6.m.${m}.${b}.mlp.0.act`)).sort(), 'model.6.cv2.act']);
    expect(y12.ops.filter((op) => op.kind === 'attention' && op.layer === 6).map((op) => op.kind === 'attention' && op.area)).toEqual([4, 4, 4, 4]);
  });

  it('YOLOv6 takes its top-level activation: torch.nn.ReLU() at every site', () => {
    const g = fromFile('yolov6n', 'yolov6.yaml');
    expect(new Set(g.sites.map((s) => s.defaultActivation.id))).toEqual(new Set(['relu']));
    expect(g.ops.filter((op) => op.kind === 'convtranspose').map((op) => op.module)).toEqual(['model.11', 'model.16']);
  });

  it('C3k2 takes C3k blocks at scales m, l, x, as parse_model forces them', () => {
    const kinds = (name: string): boolean => buildGraph(builtinModelSpec(name)).sites.some((s) => s.name.startsWith('model.2.m.0.m.0.'));
    expect([kinds('yolo11n'), kinds('yolo11s'), kinds('yolo11m')]).toEqual([false, false, true]);
    expect(buildGraph(builtinModelSpec('yolo11m')).layers[2]!.args).toEqual([128, 256, 1, true, 0.25]);
  });

  it('A2C2f gets a learnable residual scale and mlp ratio 1.2 at scales l and x', () => {
    const l = fromFile('yolo12l', 'yolo12.yaml');
    expect(l.ops.filter((op) => op.kind === 'scaled-add').map((op) => op.module)).toEqual(['model.6', 'model.8']);
    expect(l.layers[6]!.args).toEqual([512, 512, 4, true, 4, true, 1.2]);
    expect(fromFile('yolo12m', 'yolo12.yaml').ops.some((op) => op.kind === 'scaled-add')).toBe(false);
  });

  it('RepConv (YOLOv9) and RepVGGDW (YOLOv10) are one deployed conv with a SiLU site, whatever activation the YAML sets', () => {
    const v9 = buildGraph(parseModelYaml(`activation: nn.ReLU()\n${yaml('yolov9t.yaml')}`, { name: 'yolov9t' }));
    const rep = v9.sites.find((s) => s.name === 'model.4.cv2.0.m.0.cv1.act')!;
    expect(rep.defaultActivation).toBe(SiLU);
    expect(v9.sites.find((s) => s.name === 'model.4.cv2.0.m.0.cv2.act')!.defaultActivation).toBe(ReLU);
    const conv = v9.ops.find((op) => op.kind === 'conv' && op.site === rep.name);
    expect(conv).toMatchObject({ k: 3, branch: { k: 1, convName: 'model.4.cv2.0.m.0.cv1.conv2.conv' } });
    const v10 = buildGraph(builtinModelSpec('yolov10n'));
    expect(v10.ops.find((op) => op.kind === 'conv' && op.site === 'model.22.m.0.cv1.2.act')).toMatchObject({ k: 7, g: 256, cout: 256, branch: { k: 3 } });
  });
});

describe('scale from the file name, as Ultralytics guesses it', () => {
  it.each([
    ['yolo11s', 's'], ['yolov8n-seg', 'n'], ['yolo26m-p6.yaml', 'm'], ['path/to/yoloe-11l.yaml', 'l'], ['yolov9t', ''], ['custom', ''], ['yolov10b', ''],
  ])('%s → %j', (name, letter) => expect(guessModelScale(name)).toBe(letter));

  it('builds yolo11.yaml named yolo11s at scale s, lets --scale win, and warns when neither names one', () => {
    const text = yaml('yolo11.yaml');
    expect(parseModelYaml(text, { name: 'yolo11s' })).toMatchObject({ scale: 's', widthMultiple: 0.5, warnings: [] });
    expect(parseModelYaml(text, { name: 'yolo11s', scale: 'm' })).toMatchObject({ scale: 'm', widthMultiple: 1 });
    const guessed = parseModelYaml(text, { name: 'my-detector' });
    expect(guessed.scale).toBe('n');
    expect(guessed.warnings).toEqual(['my-detector: no scale named (--scale, or a letter in the file name as in yolo11s.yaml); assuming scale "n" of n, s, m, l, x']);
    expect(parseModelYaml(yaml('yolov10n.yaml'), { name: 'v10' }).warnings).toEqual([]);
  });

  it('refuses a scale the YAML does not have, saying where it came from', () => {
    expect(() => parseModelYaml(yaml('yolov10n.yaml'), { name: 'yolov10s' })).toThrow(/scale "s" \(guessed from the file name yolov10s\) not in scales \(n\)/);
    expect(() => parseModelYaml(yaml('yolo11.yaml'), { scale: 'q' })).toThrow(/scale "q" not in scales \(n, s, m, l, x\)/);
  });
});

describe('bad input', () => {
  it.each([
    ['yolo11-obb.yaml', /head OBB predicts oriented bounding boxes \(OBB\), a task ActNAS does not build/],
    ['yolo11-cls.yaml', /head Classify predicts image classification, a task ActNAS does not build/],
    ['rtdetr-l.yaml', /head RTDETRDecoder predicts the RT-DETR transformer decoder/],
    ['yolo26-sem.yaml', /head SemanticSegment predicts semantic segmentation/],
    ['yolov8-world.yaml', /head WorldDetect predicts open-vocabulary detection/],
  ])('%s: one line naming the task', (file, message) => {
    const err = (() => {
      try {
        parseModelYaml(yaml(file), { name: file.replace('.yaml', '') });
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(err).toBeInstanceOf(UnsupportedTaskError);
    expect(err).toBeInstanceOf(ModelSpecError);
    expect((err as Error).message).toMatch(message);
    expect((err as Error).message).toMatch(/it builds detection, segmentation and pose models: Detect, v10Detect, Segment, Segment26, Pose, Pose26\)$/);
    expect((err as Error).message.split('\n')).toHaveLength(1);
  });

  it('an unsupported module still names the layer, the module and the supported list', () => {
    const text = yaml('yolo11.yaml').replace('[-1, 2, C2PSA, [1024]]', '[-1, 2, C2fAttn, [1024]]');
    expect(() => parseModelYaml(text)).toThrow(/^layer 10 \(module\): unsupported module "C2fAttn" \(supported: Conv, DWConv, GhostConv, .*A2C2f.*SCDown.*RepNCSPELAN4.*Pose26\)$/);
  });

  it('refuses module arguments Ultralytics would fail on, naming the layer', () => {
    expect(() => buildGraph(parseModelYaml(yaml('yolo12.yaml').replace('[-1, 4, A2C2f, [512, True, 4]]', '[-1, 4, A2C2f, [200, True, 4]]'), { name: 'yolo12n' })))
      .toThrow(/layer 6 \(args\[0\]\): A2C2f hidden channels 32 must be a multiple of 32|layer 6 \(args\[0\]\): A2C2f hidden channels \d+ must be a multiple of 32/);
    expect(() => buildGraph(parseModelYaml(yaml('yolo11.yaml').replace('[-1, 2, C2PSA, [1024]]', '[-1, 2, C2PSA, [512]]'), { name: 'yolo11n' })))
      .toThrow(/layer 10 \(args\[0\]\): C2PSA keeps its channels: input 256 but c2 128/);
  });
});
