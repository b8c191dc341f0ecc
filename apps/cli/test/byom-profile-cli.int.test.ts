import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeOnnxModel, encodeOnnxModel } from '@actnas/core';
import { YOLOV8N_TORCH_EXPORT, cli } from './support/in-process-cli.js';

const MODELS = new URL('../../../test/fixtures/models/', import.meta.url);
const FIXTURE = YOLOV8N_TORCH_EXPORT;

const scratch = mkdtempSync(join(tmpdir(), 'actnas-byom-profile-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function gunzipFixture(name: string): string {
  const path = join(scratch, name.replace(/\.gz$/, ''));
  writeFileSync(path, gunzipSync(readFileSync(new URL(name, MODELS))));
  return path;
}

interface TableJson {
  readonly sites: readonly string[];
  readonly cells: readonly { site: string; activation: string; delta: number }[];
  readonly provenance: { note: string };
}
const table = (path: string): TableJson => JSON.parse(readFileSync(path, 'utf8')) as TableJson;

/** Few pairs, short cells: what is tested is what gets measured, not how precisely. */
const QUICK = ['--candidates', 'relu,silu,hardswish', '--min-pairs', '2', '--max-pairs', '4', '--warmup', '1', '--max-cell-seconds', '1', '--seed', '1'];

describe('actnas profile --model <file.onnx>', () => {
  it('memory: the arena planner over the file’s own graph, every site', async () => {
    const out = join(scratch, 'mem.json');
    const r = await cli(['profile', '--model', FIXTURE, '--metric', 'memory', '--live-set', join(scratch, 'rows.json'), '-o', out]);
    expect([r.code, r.stderr]).toEqual([0, '']);
    const t = table(out);
    expect(t.sites).toHaveLength(57);
    expect(t.cells).toHaveLength(57 * 5);
    expect(t.cells.find((c) => c.site === 'model.0.act' && c.activation === 'relu')!.delta).toBeLessThan(0);
    expect(t.provenance.note).toMatch(/model=yolov8n-pytorch-export-opset17; .*source=onnx file sha256:[0-9a-f]{16} \(57 sites, 57 profiled\); input=640x640/);
    expect(JSON.parse(readFileSync(join(scratch, 'rows.json'), 'utf8'))).toMatchObject({ alignment: 64 });
  });

  it('latency, micro: conv + activation blocks at the sites’ real shapes', async () => {
    const out = join(scratch, 'micro.json');
    const r = await cli(['profile', '--model', FIXTURE, '--metric', 'latency', '--mode', 'micro', '--sites', 'model.9.cv2.act,model.22.cv3.2.1.act', ...QUICK, '-o', out]);
    expect([r.code, r.stderr]).toEqual([0, '']);
    const t = table(out);
    expect(t.sites).toEqual(['model.9.cv2.act', 'model.22.cv3.2.1.act']);
    expect(t.cells).toHaveLength(6);
    expect(t.cells.every((c) => Number.isFinite(c.delta))).toBe(true);
    expect(t.provenance.note).toContain('mode=micro');
  });

  it('latency, full: single-swap rewrites of the file itself', async () => {
    const out = join(scratch, 'full.json');
    const r = await cli(['profile', '--model', FIXTURE, '--metric', 'latency', '--mode', 'full', '--sites', 'model.22.cv3.2.1.act', ...QUICK, '--candidates', 'relu,silu', '-o', out]);
    expect([r.code, r.stderr]).toEqual([0, '']);
    const t = table(out);
    expect(t.cells.map((c) => c.activation)).toEqual(['relu', 'silu']);
    expect(Number.isFinite(t.cells[0]!.delta)).toBe(true);
    expect(t.provenance.note).toContain("weights=the file's own (full mode: single-swap rewrites of the file");
  });

  it('accuracy: NWOT on the file’s own weights, a dynamic-size export at --imgsz, saying what it does about folded BN', async () => {
    const file = gunzipFixture('yolo11n-ultralytics-opset17-dynamic.onnx.gz');
    const out = join(scratch, 'nwot.json');
    const r = await cli(['profile', '--model', file, '--imgsz', '64', '--metric', 'accuracy', '--batch', '4', '--candidates', 'relu,silu', '--sites', 'model.0.act,model.2.cv1.act', '-o', out]);
    expect(r.code).toBe(0);
    // The import's own warning (a Sigmoid in the box decoding that is no site) is passed on.
    expect(r.stderr).toMatch(/^actnas: warning SIGMOID_NOT_SILU: /);
    const t = table(out);
    expect(t.cells).toHaveLength(4);
    expect(t.cells.every((c) => Number.isFinite(c.delta))).toBe(true);
    expect(t.provenance.note).toContain('imgsz=64');
    expect(t.provenance.note).toMatch(/BN is folded into its convs, so the data-dependent init re-estimates it/);
  });

  it('a site the import cannot name is reported on stderr, one line each, and the rest is profiled', async () => {
    const model = decodeOnnxModel(readFileSync(FIXTURE));
    for (const node of model.graph!.node!) if (/^\/model\.0\/act\//.test(node.name ?? '')) (node as { name?: string }).name = '';
    const file = join(scratch, 'unnamed.onnx');
    writeFileSync(file, encodeOnnxModel(model));
    const out = join(scratch, 'unnamed.csv');
    const r = await cli(['profile', '--model', file, '--metric', 'memory', '-o', out]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^actnas: warning SITES_UNNAMED: 1 of 57 sites/m);
    expect(r.stderr).toMatch(/^actnas: warning: site site\.0@\S+ not profiled \(memory\): the import could not name it/m);
    expect(readFileSync(out, 'utf8').trim().split('\n')).toHaveLength(1 + 56 * 5);
  });

  it('resumes an interrupted table of the same file, and never one of a file changed since', async () => {
    const file = join(scratch, 'model.onnx');
    writeFileSync(file, readFileSync(FIXTURE));
    const out = join(scratch, 'resume.csv');
    const args = ['profile', '--model', file, '--metric', 'memory', '-o', out];
    const first = await cli([...args, '--stop-after', '10']);
    expect([first.code, first.stdout]).toEqual([0, expect.stringMatching(/^stopped after 10 new cells/)]);
    // The same name, other contents: a rewrite that keeps every activation but adds the site table.
    expect((await cli(['model', 'export', FIXTURE, '--act', 'all:silu', '-o', file])).code).toBe(0);
    expect(Buffer.compare(readFileSync(file), readFileSync(FIXTURE))).not.toBe(0);
    const changed = await cli(args);
    expect([changed.code, changed.stderr]).toEqual([2, expect.stringMatching(/^actnas: checkpoint .*resume\.csv\.checkpoint\.jsonl was written with a different onnx; .*\n$/)]);
    writeFileSync(file, readFileSync(FIXTURE));
    const resumed = await cli(args);
    expect([resumed.code, resumed.stdout]).toEqual([0, expect.stringMatching(/^memory table: 285 cells \(275 measured, 10 resumed\)/)]);
  });

  it('validate: mixed rewrites of the file itself measured against it, beside the table’s sums', async () => {
    const csv = join(scratch, 'v8-one-site.csv');
    writeFileSync(csv, ['layer,activation,reference,delta', 'model.22.cv3.2.1.act,relu,50,-0.05', 'model.22.cv3.2.1.act,silu,50,0', 'model.22.cv3.2.1.act,hardswish,50,-0.02'].join('\n'));
    const json = join(scratch, 'v8-validate.json');
    const r = await cli(['profile', 'validate', '--model', FIXTURE, '--table', csv, '--assignments', '1', '--null-copies', '1', '--max-pairs', '4', '--seed', '1', '--json', json]);
    expect([r.code, r.stderr]).toEqual([0, '']);
    expect(r.stdout).toMatch(/all-relu\s+predicted\s+-0\.050\s+measured\s+-?\d+\.\d{3} \[/);
    expect(r.stdout).toMatch(/all-hardswish\s+predicted\s+-0\.020/);
    const report = JSON.parse(readFileSync(json, 'utf8')) as { rows: { name: string; pairs: number }[]; nullRows: unknown[] };
    expect(report.rows.map((row) => row.name)).toEqual(['random-1', 'all-relu', 'all-hardswish']);
    expect(report.rows.every((row) => row.pairs >= 2)).toBe(true);
    expect(report.nullRows).toHaveLength(1);
  });

  it('validate: a table of another model’s sites is refused in one line before anything is measured', async () => {
    const csv = join(scratch, 'other-model.csv');
    writeFileSync(csv, ['layer,activation,reference,delta', 'model.23.cv3.act,relu,5,-0.1', 'model.23.cv3.act,silu,5,0'].join('\n'));
    const r = await cli(['profile', 'validate', '--model', FIXTURE, '--table', csv]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('1 of its sites are not sites of');
    expect(r.stderr).toContain('model.23.cv3.act');
  });

  it('a file with mixed activations is refused: cells are deltas against one reference', async () => {
    const file = gunzipFixture('yolov8n-mixed-ultralytics-opset14.onnx.gz');
    const r = await cli(['profile', '--model', file, '--metric', 'memory', '-o', join(scratch, 'mixed.csv')]);
    expect([r.code, r.stdout]).toEqual([2, '']);
    expect(r.stderr).toMatch(/^actnas: .*mixed activations \(relu, relu6, hardswish, silu, leakyrelu\); .*actnas model export .* --act all:silu/);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });
});
