/**
 * Compares the graph builder with figures.py's JSON for each model (dev tool, not a test):
 *
 *   node --conditions=@actnas/source --import tsx packages/core/scripts/ultralytics-oracle/compare-figures.ts \
 *     <dir of figures JSON, one <name>.json per model> <dir of model YAMLs>
 *
 * A model `yolo11s` is read from `yolo11.yaml` (or `yolo11s.yaml`), as Ultralytics resolves names.
 * Prints one line per model and exits 1 when any figure differs.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { buildGraph, parseModelYaml } from '@actnas/core';

interface Figures {
  readonly params: number;
  readonly fused_params: number;
  readonly flops_fused_eval_640: number;
  readonly imgsz: number;
  readonly layers: readonly { readonly np: number; readonly type: string }[];
  readonly sites_fused: readonly (readonly [string, readonly number[]])[];
}

const [figuresDir, yamlDir] = process.argv.slice(2);
if (!figuresDir || !yamlDir) throw new Error('usage: compare-figures.ts <figures dir> <yaml dir>');
const yamls = new Set(readdirSync(yamlDir));
const yamlOf = (name: string): string => {
  const unified = `${name.replace(/(\d+)([nslmx])(.+)?$/, '$1$3')}.yaml`;
  return join(yamlDir, yamls.has(unified) ? unified : `${name}.yaml`);
};

let bad = 0;
for (const file of readdirSync(figuresDir).filter((f) => f.endsWith('.json')).sort()) {
  const name = basename(file, '.json');
  const o = JSON.parse(readFileSync(join(figuresDir, file), 'utf8')) as Figures;
  const spec = parseModelYaml(readFileSync(yamlOf(name), 'utf8'), { name });
  const g = buildGraph(spec, { imgsz: 640 });
  const small = buildGraph(spec, { imgsz: o.imgsz });
  const ours = small.sites.map((s) => `${s.name} ${s.channels}x${s.height}x${s.width}`);
  const theirs = o.sites_fused.map(([n, shape]) => `${n} ${shape.join('x')}`);
  const layers = o.layers.map((l, i) => [i, l.np, g.layers[i]?.params] as const).filter(([, a, b]) => a !== b);
  const sitesOk = JSON.stringify(ours) === JSON.stringify(theirs);
  const ok = g.params === o.params && g.fusedParams === o.fused_params && Math.abs(g.flops - o.flops_fused_eval_640) < 1 && sitesOk && layers.length === 0;
  if (!ok) bad++;
  console.log(`${ok ? 'ok ' : 'BAD'} ${name.padEnd(18)} params ${g.params}/${o.params}  fused ${g.fusedParams}/${o.fused_params}  GFLOPs ${(g.flops / 1e9).toFixed(3)}/${(o.flops_fused_eval_640 / 1e9).toFixed(3)}  sites ${g.sites.length}/${theirs.length}${sitesOk ? '' : ' (order or shapes differ)'}${layers.length ? `  layers ${JSON.stringify(layers.slice(0, 4))}` : ''}`);
}
console.log(bad === 0 ? 'every model matches' : `${bad} model(s) differ`);
process.exitCode = bad === 0 ? 0 : 1;
