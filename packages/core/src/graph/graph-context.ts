import type { ActivationKind } from '../activations/index.js';
import type {
  AttentionOp,
  ConvOp,
  ConvTransposeOp,
  DetectOp,
  DetectV5Op,
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
  /** RepConv / RepVGGDW: a parallel k×k conv + BN summed in before the activation. */
  readonly branch?: { readonly k: number; readonly p: number; readonly name: string };
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
type OpDraft<T extends GraphOp> = DistributiveOmit<T, 'layer' | 'output' | 'module' | 'scope'>;

/** Ultralytics' autopad: 'same' padding for odd kernels. */
export function autopad(k: number, p: number | null | undefined, d = 1): number {
  if (p !== undefined && p !== null) return p;
  const eff = d > 1 ? d * (k - 1) + 1 : k;
  return Math.floor(eff / 2);
}

const convOut = (size: number, k: number, s: number, p: number, d: number): number =>
  Math.floor((size + 2 * p - d * (k - 1) - 1) / s) + 1;

/**
 * Collects ops in forward order while modules build themselves. Ops built inside `training()`
 * (modules only the training model runs, e.g. the one-to-many branch of an end-to-end head) go
 * to `trainingOps`: they count as parameters and nothing else.
 */
export class GraphContext {
  readonly ops: GraphOp[] = [];
  readonly trainingOps: GraphOp[] = [];
  /** Parameters of modules with no op of their own (Pose26's flow model), by layer. */
  readonly extraParams = new Map<number, number>();
  #nextTensor = 1;
  #training = 0;
  layer = 0;

  constructor(
    readonly defaultActivation: ActivationKind,
    readonly siteActivations: ReadonlyMap<string, ActivationKind> = new Map(),
  ) {}

  tensor(shape: TensorShape): TensorRef {
    return Object.freeze({ id: this.#nextTensor++, shape: Object.freeze([...shape]) });
  }

  /** Builds modules that exist only in the training model. */
  training<T>(build: () => T): T {
    this.#training++;
    try {
      return build();
    } finally {
      this.#training--;
    }
  }

  addParams(count: number): void {
    this.extraParams.set(this.layer, (this.extraParams.get(this.layer) ?? 0) + count);
  }

  #push<T extends GraphOp>(op: T): T {
    (this.#training > 0 ? this.trainingOps : this.ops).push(Object.freeze(op) as GraphOp);
    return op;
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
    // A RepConv / RepVGGDW keeps its deployed conv at `<module>.conv` and its activation at `<module>.act`.
    const branch = o.branch ? { k: o.branch.k, p: o.branch.p, convName: `${scope.module}.${o.branch.name}.conv` } : undefined;
    const op: ConvOp = {
      kind: 'conv', ...this.#base(scope, out), inputs: [x.id], cin, cout, k, s, p, g, d,
      bias: false, bn: true, convName: `${scope.module}.conv`,
      ...(act === false ? {} : { site, defaultActivation: act }),
      ...(branch ? { branch } : {}),
    };
    this.#push(op);
    return out;
  }

  /** Plain `nn.Conv2d` (bias by default), no BN, no activation; padding 0 unless given. */
  conv2d(scope: Scope, x: TensorRef, cout: number, k = 1, bias = true, o: { readonly s?: number; readonly p?: number; readonly g?: number } = {}): TensorRef {
    const [cin, h, w] = chw(x, scope);
    const { s = 1, p = 0, g = 1 } = o;
    if (cin % g !== 0 || cout % g !== 0) throw new ModelSpecError(`groups ${g} do not divide channels ${cin}→${cout}`, this.layer, 'args');
    const out = this.tensor([cout, convOut(h, k, s, p, 1), convOut(w, k, s, p, 1)]);
    this.#push<ConvOp>({
      kind: 'conv', ...this.#base(scope, out), inputs: [x.id], cin, cout, k, s, p, g, d: 1,
      bias, bn: false, convName: scope.module,
    });
    return out;
  }

  /** `nn.ConvTranspose2d(cin, cout, k, s, p)` with bias. */
  convTranspose(scope: Scope, x: TensorRef, cout: number, k: number, s: number, p: number): TensorRef {
    const [cin, h, w] = chw(x, scope);
    const size = (n: number): number => (n - 1) * s - 2 * p + k;
    if (size(h) < 1 || size(w) < 1) throw new ModelSpecError(`ConvTranspose2d output would be empty for a ${h}x${w} input`, this.layer, 'args');
    const out = this.tensor([cout, size(h), size(w)]);
    this.#push<ConvTransposeOp>({ kind: 'convtranspose', ...this.#base(scope, out), inputs: [x.id], cin, cout, k, s, p, bias: true, convName: scope.module });
    return out;
  }

  add(scope: Scope, a: TensorRef, b: TensorRef): TensorRef {
    sameShape(scope, [a, b], this.layer);
    const out = this.tensor(a.shape);
    this.#push({ kind: 'add', ...this.#base(scope, out), inputs: [a.id, b.id] });
    return out;
  }

  /** `x + gamma.view(1, C, 1, 1) * y`, gamma a learnable parameter `<module>.gamma`. */
  scaledAdd(scope: Scope, x: TensorRef, y: TensorRef): TensorRef {
    sameShape(scope, [x, y], this.layer);
    const out = this.tensor(x.shape);
    this.#push({ kind: 'scaled-add', ...this.#base(scope, out), inputs: [x.id, y.id], channels: x.shape[0]!, paramName: `${scope.module}.gamma` });
    return out;
  }

  sum(scope: Scope, xs: readonly TensorRef[]): TensorRef {
    sameShape(scope, xs, this.layer);
    const out = this.tensor(xs[0]!.shape);
    this.#push({ kind: 'sum', ...this.#base(scope, out), inputs: xs.map((x) => x.id) });
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
    const [c, h, w] = chw(x, scope);
    if (sizes.reduce((a, b) => a + b, 0) !== c) throw new ModelSpecError(`cannot split ${c} channels into ${sizes.join(' + ')}`, this.layer, 'args');
    const outputs = Object.freeze(sizes.map((n) => this.tensor([n, h, w])));
    this.#push<SplitOp>({ kind: 'split', ...this.#base(scope, outputs[0]!), inputs: [x.id], sizes: Object.freeze([...sizes]), outputs });
    return outputs;
  }

  /** `nn.MaxPool2d(k, s, p)` (floor mode); s defaults to 1 and p to k // 2 ('same' for SPPF/SPP). */
  maxpool(scope: Scope, x: TensorRef, k: number, s = 1, p = Math.floor(k / 2)): TensorRef {
    const [c, h, w] = chw(x, scope);
    if (2 * p > k) throw new ModelSpecError(`MaxPool2d padding ${p} must be at most half the kernel ${k}`, this.layer, 'args');
    const out = this.tensor([c, convOut(h, k, s, p, 1), convOut(w, k, s, p, 1)]);
    if (out.shape[1]! < 1 || out.shape[2]! < 1) throw new ModelSpecError(`MaxPool2d(${k}, ${s}) of a ${h}x${w} map is empty`, this.layer, 'args');
    this.#push({ kind: 'maxpool', ...this.#base(scope, out), inputs: [x.id], k, s, p });
    return out;
  }

  avgpool(scope: Scope, x: TensorRef, k: number, s: number): TensorRef {
    const [c, h, w] = chw(x, scope);
    const out = this.tensor([c, convOut(h, k, s, 0, 1), convOut(w, k, s, 0, 1)]);
    this.#push({ kind: 'avgpool', ...this.#base(scope, out), inputs: [x.id], k, s });
    return out;
  }

  pad(scope: Scope, x: TensorRef, pads: readonly [number, number, number, number]): TensorRef {
    const [c, h, w] = chw(x, scope);
    const out = this.tensor([c, h + pads[2] + pads[3], w + pads[0] + pads[1]]);
    this.#push({ kind: 'pad', ...this.#base(scope, out), inputs: [x.id], pads });
    return out;
  }

  upsample(scope: Scope, x: TensorRef, scale: number): TensorRef {
    const [c, h, w] = chw(x, scope);
    const out = this.tensor([c, h * scale, w * scale]);
    this.#push({ kind: 'upsample', ...this.#base(scope, out), inputs: [x.id], scale, mode: 'nearest' });
    return out;
  }

  /** `F.interpolate(x, size, mode='nearest')`. */
  resize(scope: Scope, x: TensorRef, size: readonly [number, number]): TensorRef {
    const [c] = chw(x, scope);
    const out = this.tensor([c, size[0], size[1]]);
    this.#push({ kind: 'resize', ...this.#base(scope, out), inputs: [x.id], size });
    return out;
  }

  identity(scope: Scope, x: TensorRef): TensorRef {
    const out = this.tensor(x.shape);
    this.#push({ kind: 'identity', ...this.#base(scope, out), inputs: [x.id] });
    return out;
  }

  /** The attention algebra between qkv and pe/proj; returns `[x, v]` as `[dim, H, W]` maps. */
  attention(scope: Scope, qkv: TensorRef, a: Omit<AttentionOp, 'kind' | 'module' | 'scope' | 'layer' | 'inputs' | 'output' | 'outputs'>): readonly [TensorRef, TensorRef] {
    const [c, h, w] = chw(qkv, scope);
    const dim = a.heads * a.headDim;
    if (c !== a.heads * (2 * a.keyDim + a.headDim)) throw new ModelSpecError(`attention qkv has ${c} channels, expected ${a.heads * (2 * a.keyDim + a.headDim)}`, this.layer, 'args');
    if ((h * w) % a.area !== 0) throw new ModelSpecError(`area attention: ${h}x${w} does not divide into ${a.area} areas`, this.layer, 'args');
    const outputs = Object.freeze([this.tensor([dim, h, w]), this.tensor([dim, h, w])]);
    this.#push<AttentionOp>({ kind: 'attention', ...this.#base(scope, outputs[0]!), inputs: [qkv.id], ...a, outputs });
    return [outputs[0]!, outputs[1]!];
  }

  detect(scope: Scope, draft: OpDraft<DetectOp> | OpDraft<DetectV5Op>, shape: TensorShape): TensorRef {
    const out = this.tensor(shape);
    this.#push({ ...draft, ...this.#base(scope, out) } as DetectOp | DetectV5Op);
    return out;
  }
}

function chw(x: TensorRef, scope: Scope): readonly [number, number, number] {
  if (x.shape.length !== 3) throw new ModelSpecError(`${scope.module} expects a feature map, got shape [${x.shape.join(', ')}]`);
  return [x.shape[0]!, x.shape[1]!, x.shape[2]!];
}

function sameShape(scope: Scope, xs: readonly TensorRef[], layer: number): void {
  const first = xs[0]!.shape.join('x');
  if (xs.some((x) => x.shape.join('x') !== first)) {
    throw new ModelSpecError(`${scope.module || 'layer'} adds tensors of different shapes ${xs.map((t) => t.shape.join('x')).join(', ')}`, layer, 'from');
  }
}
