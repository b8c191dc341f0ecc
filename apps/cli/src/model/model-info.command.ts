import type { Command } from 'commander';
import type { GraphLayer, ModelGraph, YamlArg } from '@actnas/core';
import { EXIT_OK } from '../shared/cli-error.js';
import type { CliIo } from '../shared/cli-io.js';
import type { SpecOptions } from './model-spec-loader.js';
import { LAYOUT_FLAG, buildFromFlags, loadSpec } from './model-spec-loader.js';

interface InfoOptions extends SpecOptions {
  readonly json?: boolean;
  readonly sites?: boolean;
}

/** `actnas model info yolov5nu --imgsz 640`: Ultralytics-style per-layer summary with activation sites. */
export function modelInfoCommand(model: Command, io: CliIo, setExitCode: (code: number) => void): void {
  model
    .command('info')
    .description('per-layer summary of a model spec: parameters, GFLOPs and activation sites')
    .argument('<model>', 'built-in model (yolov5nu, yolov8n, ...) or an Ultralytics model YAML file')
    .option('--imgsz <n>', 'square input size in pixels (multiple of 32)', '640')
    .option('--nc <n>', 'number of classes (default: the spec\'s)')
    .option('--scale <letter>', 'scale of a YAML file with a scales table (n, s, m, ...); default: the letter in the file name, as Ultralytics guesses it')
    .option(...LAYOUT_FLAG)
    .option('--sites', 'also list every activation site with its feature-map shape')
    .option('--json', 'print JSON instead of a table')
    .action(async (name: string, options: InfoOptions) => {
      const graph = buildFromFlags(await loadSpec(name, options, io), options);
      io.stdout.write(options.json ? `${JSON.stringify(infoJson(graph), null, 2)}\n` : infoText(graph, options.sites === true));
      setExitCode(EXIT_OK);
    });
}

const thousands = (n: number): string => n.toLocaleString('en-US');
const gflops = (flops: number, digits = 1): string => (flops / 1e9).toFixed(digits);

/** Python-literal style, as Ultralytics prints layer arguments. */
function pyArgs(v: YamlArg | readonly YamlArg[]): string {
  if (Array.isArray(v)) return `[${v.map((x: YamlArg) => pyArgs(x)).join(', ')}]`;
  if (v === null || v === 'None') return 'None';
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (typeof v === 'string') return `'${v}'`;
  return String(v);
}

function layerRow(l: GraphLayer): string[] {
  const from = typeof l.from === 'number' ? String(l.from) : `[${l.from.join(', ')}]`;
  return [String(l.index), from, String(l.repeats), thousands(l.params), l.module, pyArgs(l.args), gflops(l.flops, 3), String(l.sites.length)];
}

export function summaryLine(g: ModelGraph): string {
  return `${g.spec.name} summary: ${g.layers.length} layers, ${thousands(g.params)} parameters, ${gflops(g.flops)} GFLOPs, ${g.sites.length} activation sites`;
}

/** Which module layout the graph follows, in words. */
export function layoutLine(g: ModelGraph): string {
  if (g.spec.anchors) return 'layout: ultralytics/yolov5 repository (classic anchor head; SiLU after SPPF.cv1)';
  return g.spec.layout === 'pre-8.4'
    ? 'layout: pre-8.4 (SiLU after SPPF.cv1, Detect level by level, as checkpoints trained before Ultralytics 8.4.0; --layout 8.4 for the current one)'
    : 'layout: Ultralytics 8.4 (no activation after SPPF.cv1, Detect runs every cv2 before every cv3; --layout pre-8.4 for checkpoints trained before 8.4.0)';
}

function outputsText(g: ModelGraph): string {
  const shapes = g.outputs.map((t) => `[${t.shape.join(', ')}]`).join(' + ');
  return `${g.task}, output ${shapes}${g.endToEnd ? ` (end-to-end: the top ${g.output.shape[0]} detections)` : ''}`;
}

function infoText(g: ModelGraph, withSites: boolean): string {
  const head = ['', 'from', 'n', 'params', 'module', 'arguments', 'GFLOPs', 'sites'];
  const right = new Set([0, 2, 3, 6, 7]);
  const lines = [
    `${g.spec.name}${g.spec.scale ? ` (scale ${g.spec.scale})` : ''} at ${g.imgsz}x${g.imgsz}, ${g.nc} classes, ${outputsText(g)}`,
    layoutLine(g),
    '',
    ...columns(head, g.layers.map(layerRow), right),
    summaryLine(g),
    `(parameters as Ultralytics model.info() counts them, BatchNorm included; ${thousands(g.fusedParams)} after BN folding; GFLOPs of the fused model)`,
  ];
  if (withSites) {
    const rows = g.sites.map((s) => [String(s.index), s.name, s.defaultActivation.label, String(s.channels), `${s.height}x${s.width}`]);
    lines.push('', ...columns(['#', 'site', 'activation', 'channels', 'HxW'], rows, new Set([0, 3])));
  }
  return `${lines.join('\n')}\n`;
}

function columns(head: readonly string[], rows: readonly (readonly string[])[], right: ReadonlySet<number>): string[] {
  const widths = head.map((h, c) => Math.max(h.length, ...rows.map((r) => (r[c] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    cells.map((cell, c) => (right.has(c) ? cell.padStart(widths[c]!) : c === cells.length - 1 ? cell : cell.padEnd(widths[c]!))).join('  ').trimEnd();
  return [line(head), ...rows.map(line)];
}

function infoJson(g: ModelGraph): Record<string, unknown> {
  return {
    model: g.spec.name,
    ...(g.spec.scale ? { scale: g.spec.scale } : {}),
    task: g.task,
    layout: g.spec.anchors ? 'yolov5' : g.spec.layout,
    endToEnd: g.endToEnd,
    imgsz: g.imgsz,
    nc: g.nc,
    params: g.params,
    fusedParams: g.fusedParams,
    gflops: Number(gflops(g.flops, 3)),
    output: g.output.shape,
    outputs: g.outputs.map((t) => t.shape),
    layers: g.layers.map((l) => ({ index: l.index, from: l.from, n: l.repeats, params: l.params, module: l.module, args: l.args, gflops: Number(gflops(l.flops, 4)), sites: l.sites })),
    sites: g.sites.map((s) => ({ index: s.index, name: s.name, activation: s.defaultActivation.id, channels: s.channels, height: s.height, width: s.width, conv: s.convName, layer: s.layer })),
  };
}
