import type { ActivationKind } from '../activations/index.js';
import type {
  ConvOp,
  DetectV5Op,
  DetectV8Op,
  GraphOp,
  SplitOp,
  TensorRef,
  TensorShape,
} from './graph.types.js';
import type { Scope } from './graph-scope.js';
import { ModelSpecError } from './model-spec.error.js';

export interface ConvOptions {
  readonly k?: number;
  readonly s?: number;
  readonly p?: number | null;
  readonly g?: number;
  readonly d?: number;
  /** `false`: no activation (Ultralytics `act=False`); an activation kind overrides the spec's. */
  readonly act?: ActivationKind | false;
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
type OpDraft = DistributiveOmit<GraphOp, 'layer' | 'output' | 'module' | 'scope'>;

/** Ultralytics' autopad: 'same' padding for odd kernels. */
export function autopad(k: number, p: number | null | undefined, d = 1): number {
  if (p !== undefined && p !== null) return p;
  const eff = d > 1 ? d * (k - 1) + 1 : k;
  return Math.floor(eff / 2);
}

const convOut = (size: number, k: number, s: number, p: number, d: number): number =>
  Math.floor((size + 2 * p - d * (k - 1) - 1) / s) + 1;

/** Collects ops in forward order while modules build themselves. */
export class GraphContext {
  readonly ops: GraphOp[] = [];
  #nextTensor = 1;
  layer = 0;

  constructor(
    readonly defaultActivation: ActivationKind,
    readonly siteActivations: ReadonlyMap<string, ActivationKind> = new Map(),
  ) {}

  tensor(shape: TensorShape): TensorRef {
    return Object.freeze({ id: this.#nextTensor++, shape: Object.freeze([...shape]) });
  }

  #push<T extends GraphOp>(op: T): T {
    this.ops.push(op);
    return Object.freeze(op);
  }

  #base(scope: Scope, output: TensorRef) {
    return { module: scope.module, scope: scope.segs, layer: this.layer, output };
  }

  /** Ultralytics `Conv`: conv (no bias) + BatchNorm + activation site `<module>.act`. */
  conv(scope: Scope, x: TensorRef, cout: number, o: ConvOptions = {}): TensorRef {
    const [cin, h, w] = chw(x, scope);
    const k = o.k ?? 1;
    const s = o.s ?? 1;
    const d = o.d ?? 1;
    const g = o.g ?? 1;
    const p = autopad(k, o.p, d);
    if (cin % g !== 0 || cout % g !== 0) throw new ModelSpecError(`groups ${g} do not divide channels ${cin}→${cout}`, this.layer, 'args');
    const out = this.tensor([cout, convOut(h, k, s, p, d), convOut(w, k, s, p, d)]);
    const site = `${scope.module}.act`;
    const act = o.act === false ? false : (this.siteActivations.get(site) ?? o.act ?? this.defaultActivation);
    const op: ConvOp = {
      kind: 'conv', ...this.#base(scope, out), inputs: [x.id], cin, cout, k, s, p, g, d,
      bias: false, bn: true, convName: `${scope.module}.conv`,
      ...(act === false ? {} : { site, defaultActivation: act }),
    };
    this.#push(op);
    return out;
  }

  /** Plain `nn.Conv2d` with bias, no BN, no activation. */
  conv2d(scope: Scope, x: TensorRef, cout: number, k = 1, bias = true): TensorRef {
    const [cin, h, w] = chw(x, scope);
    const p = 0;
    const out = this.tensor([cout, convOut(h, k, 1, p, 1), convOut(w, k, 1, p, 1)]);
    this.#push<ConvOp>({
      kind: 'conv', ...this.#base(scope, out), inputs: [x.id], cin, cout, k, s: 1, p, g: 1, d: 1,
      bias, bn: false, convName: scope.module,
    });
    return out;
  }

  add(scope: Scope, a: TensorRef, b: TensorRef): TensorRef {
    const out = this.tensor(a.shape);
    this.#push({ kind: 'add', ...this.#base(scope, out), inputs: [a.id, b.id] });
    return out;
  }

  concat(scope: Scope, xs: readonly TensorRef[]): TensorRef {
    const [, h, w] = chw(xs[0]!, scope);
    for (const x of xs) {
      if (x.shape[1] !== h || x.shape[2] !== w) {
        throw new ModelSpecError(`Concat of mismatched feature maps ${xs.map((t) => t.shape.join('x')).join(', ')}`, this.layer, 'from');
      }
    }
    const out = this.tensor([xs.reduce((sum, x) => sum + x.shape[0]!, 0), h, w]);
    this.#push({ kind: 'concat', ...this.#base(scope, out), inputs: xs.map((x) => x.id) });
    return out;
  }

  split(scope: Scope, x: TensorRef, sizes: readonly number[]): readonly TensorRef[] {
    const [, h, w] = chw(x, scope);
    const outputs = sizes.map((c) => this.tensor([c, h, w]));
    this.#push<SplitOp>({ kind: 'split', ...this.#base(scope, outputs[0]!), inputs: [x.id], sizes, outputs });
    return outputs;
  }

  maxpool(scope: Scope, x: TensorRef, k: number): TensorRef {
    const [c, h, w] = chw(x, scope);
    const p = Math.floor(k / 2);
    const out = this.tensor([c, convOut(h, k, 1, p, 1), convOut(w, k, 1, p, 1)]);
    this.#push({ kind: 'maxpool', ...this.#base(scope, out), inputs: [x.id], k, s: 1, p });
    return out;
  }

  upsample(scope: Scope, x: TensorRef, scale: number): TensorRef {
    const [c, h, w] = chw(x, scope);
    const out = this.tensor([c, h * scale, w * scale]);
    this.#push({ kind: 'upsample', ...this.#base(scope, out), inputs: [x.id], scale, mode: 'nearest' });
    return out;
  }

  detect(scope: Scope, draft: OpDraft & ({ kind: 'detect-v8' } | { kind: 'detect-v5' }), shape: TensorShape): TensorRef {
    const out = this.tensor(shape);
    this.#push({ ...draft, ...this.#base(scope, out) } as DetectV8Op | DetectV5Op);
    return out;
  }
}

function chw(x: TensorRef, scope: Scope): readonly [number, number, number] {
  if (x.shape.length !== 3) throw new ModelSpecError(`${scope.module} expects a feature map, got shape [${x.shape.join(', ')}]`);
  return [x.shape[0]!, x.shape[1]!, x.shape[2]!];
}
