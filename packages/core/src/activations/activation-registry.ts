import type { ActivationKind } from './activation.js';
import { EXTENSION_ACTIVATIONS, PAPER_ACTIVATIONS, leakyReLU } from './activation.js';

/** Normalises a user-facing name: case, spaces, `_`, `-` and a `nn.` prefix do not matter. */
function normalise(name: string): string {
  return name.trim().toLowerCase().replace(/^(torch\.)?nn\./, '').replace(/[\s_-]/g, '').replace(/\(\)$/, '');
}

const BUILTIN_ALIASES: Readonly<Record<string, string>> = {
  swish: 'silu',
  hswish: 'hardswish',
  hardswish: 'hardswish',
  leaky: 'leakyrelu',
  lrelu: 'leakyrelu',
  leakyrelu: 'leakyrelu',
  relu6: 'relu6',
  clip06: 'relu6',
  hsigmoid: 'hardsigmoid',
  none: 'identity',
  linear: 'identity',
};

export class UnknownActivationError extends Error {
  constructor(
    readonly activation: string,
    readonly known: readonly string[],
  ) {
    super(`unknown activation "${activation}" (known: ${known.join(', ')})`);
    this.name = 'UnknownActivationError';
  }
}

/**
 * The activation kinds a search may use. Resolves names from CSV headers, CLI flags and YAML
 * (`LeakyReLU(0.2)`, `nn.Hardswish()`, `hswish`) to canonical kinds; `register` is the
 * extension point for kinds beyond the paper's five.
 */
export class ActivationRegistry {
  readonly #kinds = new Map<string, ActivationKind>();

  constructor(kinds: readonly ActivationKind[] = PAPER_ACTIVATIONS) {
    for (const kind of kinds) this.register(kind);
  }

  register(kind: ActivationKind): this {
    this.#kinds.set(kind.id, kind);
    return this;
  }

  /** Every registered kind, in registration order. */
  list(): readonly ActivationKind[] {
    return [...this.#kinds.values()];
  }

  ids(): readonly string[] {
    return [...this.#kinds.keys()];
  }

  has(name: string): boolean {
    return this.tryResolve(name) !== undefined;
  }

  /** Resolves a name to a registered kind, or throws `UnknownActivationError`. */
  resolve(name: string): ActivationKind {
    const kind = this.tryResolve(name);
    if (!kind) throw new UnknownActivationError(name, this.ids());
    return kind;
  }

  tryResolve(name: string): ActivationKind | undefined {
    const exact = this.#kinds.get(name);
    if (exact) return exact;
    const key = normalise(name);
    const leaky = /^(?:leakyrelu|leaky|lrelu)\((?:negativeslope=|alpha=)?([0-9.eE+-]+)\)$/.exec(key);
    if (leaky) {
      const kind = leakyReLU(Number(leaky[1]));
      // A LeakyReLU of another slope is its own kind; accept it when the family is registered.
      if (this.#kinds.has(kind.id)) return this.#kinds.get(kind.id);
      if ([...this.#kinds.values()].some((k) => k.family === 'leakyrelu')) {
        this.register(kind);
        return kind;
      }
      return undefined;
    }
    const id = BUILTIN_ALIASES[key] ?? key;
    return this.#kinds.get(id) ?? [...this.#kinds.values()].find((k) => normalise(k.label) === key);
  }
}

/** A registry holding the paper's five kinds. */
export function defaultActivationRegistry(): ActivationRegistry {
  return new ActivationRegistry(PAPER_ACTIVATIONS);
}

/** A registry holding every kind this package ships (paper's five plus extensions). */
export function fullActivationRegistry(): ActivationRegistry {
  return new ActivationRegistry([...PAPER_ACTIVATIONS, ...EXTENSION_ACTIVATIONS]);
}
