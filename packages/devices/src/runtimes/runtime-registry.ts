import { createOrtRuntime } from './ort.runtime.js';
import type { Runtime, RuntimeFactory, RuntimeProfile } from './runtime.js';
import { createTfjsRuntime } from './tfjs.runtime.js';

const factories = new Map<string, RuntimeFactory>([
  ['ort', createOrtRuntime],
  ['tfjs', createTfjsRuntime],
]);

/** Plugs in a runtime (e.g. an NPU vendor's) under an id a device profile can name. */
export function registerRuntime(id: string, factory: RuntimeFactory): void {
  factories.set(id, factory);
}

export function runtimeIds(): readonly string[] {
  return [...factories.keys()];
}

export class UnknownRuntimeError extends Error {
  constructor(readonly runtime: string) {
    super(`unknown runtime "${runtime}" (known: ${runtimeIds().join(', ')})`);
    this.name = 'UnknownRuntimeError';
  }
}

export function createRuntime(profile: RuntimeProfile): Promise<Runtime> {
  const factory = factories.get(profile.runtime);
  if (!factory) throw new UnknownRuntimeError(profile.runtime);
  return factory(profile);
}
