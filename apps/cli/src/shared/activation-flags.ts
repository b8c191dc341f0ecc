import type { ActivationKind } from '@actnas/core/search';
import { fullActivationRegistry } from '@actnas/core/search';
import { CliUsageError } from './cli-error.js';

/** `relu,silu,…`: activation names or aliases the registry knows. */
export function candidatesFlag(text: string, flag = '--candidates'): ActivationKind[] {
  const registry = fullActivationRegistry();
  return text.split(',').map((name) => {
    const kind = registry.tryResolve(name.trim());
    if (!kind) throw new CliUsageError(`${flag}: unknown activation "${name.trim()}" (known: ${registry.ids().join(', ')})`);
    return kind;
  });
}
