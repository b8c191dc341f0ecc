import { createRequire } from 'node:module';

export type TfjsBackendName = 'tensorflow' | 'wasm';

/** Whether a package can be resolved from here (installed), without loading it. */
export function isInstalled(pkg: string): boolean {
  try {
    createRequire(import.meta.url).resolve(pkg);
    return true;
  } catch {
    return false;
  }
}

/**
 * tfjs-node (native libtensorflow, backend `tensorflow`) when its package and native binding are
 * installed, else the wasm backend (XNNPACK). `installed` is injectable for tests.
 */
export function chooseTfjsBackend(installed: (pkg: string) => boolean = isInstalled, requested?: TfjsBackendName): TfjsBackendName {
  if (requested) return requested;
  return installed('@tensorflow/tfjs-node') ? 'tensorflow' : 'wasm';
}
