import type { GLPK } from 'glpk.js/node';
import GLPKFactory from 'glpk.js/node';

let instance: Promise<GLPK> | undefined;

/** glpk.js compiles its WebAssembly once per process; solves after that are synchronous. */
export function loadGlpk(): Promise<GLPK> {
  instance ??= GLPKFactory();
  return instance;
}

export type { GLPK };
