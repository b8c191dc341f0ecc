import type { ActivationKind, ActivationRegistry } from '../activations/index.js';
import { fullActivationRegistry } from '../activations/index.js';
import type { SiteInfo } from './graph.types.js';

export class AssignmentParseError extends Error {
  override readonly name = 'AssignmentParseError';
}

/**
 * Parses `all:silu,model.0.act:relu,model.22.*:relu6` into an activation per site. Entries apply
 * left to right, so later ones win; `all` is every site, a trailing `*` matches a prefix.
 */
export function parseActivationAssignment(
  text: string,
  sites: readonly Pick<SiteInfo, 'name'>[],
  registry: ActivationRegistry = fullActivationRegistry(),
): ReadonlyMap<string, ActivationKind> {
  const result = new Map<string, ActivationKind>();
  for (const entry of splitEntries(text)) {
    const colon = entry.indexOf(':');
    if (colon <= 0 || colon === entry.length - 1) {
      throw new AssignmentParseError(`"${entry}" is not <site>:<activation> (e.g. model.0.act:relu or all:silu)`);
    }
    const target = entry.slice(0, colon).trim();
    const kind = registry.tryResolve(entry.slice(colon + 1).trim());
    if (!kind) throw new AssignmentParseError(`unknown activation "${entry.slice(colon + 1).trim()}" (known: ${registry.ids().join(', ')})`);
    const matched = sites.filter((s) => matches(target, s.name));
    if (matched.length === 0) throw new AssignmentParseError(`"${target}" matches no activation site (e.g. ${sites[0]?.name ?? 'none'})`);
    for (const s of matched) result.set(s.name, kind);
  }
  return result;
}

function matches(target: string, site: string): boolean {
  if (target === 'all' || target === '*') return true;
  if (target.endsWith('*')) return site.startsWith(target.slice(0, -1));
  return site === target || site === `${target}.act`;
}

/** Commas inside parentheses (`LeakyReLU(0.2)` never has one, but be safe) do not split. */
function splitEntries(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i <= text.length; i++) {
    const ch = text[i];
    if (ch === '(') depth++;
    else if (ch === ')') depth--;
    else if ((ch === ',' && depth === 0) || i === text.length) {
      const part = text.slice(start, i).trim();
      if (part) out.push(part);
      start = i + 1;
    }
  }
  if (out.length === 0) throw new AssignmentParseError('empty activation assignment');
  return out;
}
