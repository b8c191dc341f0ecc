import type { Runtime, RuntimeProfile } from './runtime.js';

export function createTfjsRuntime(_profile: RuntimeProfile): Promise<Runtime> {
  return Promise.reject(new Error('tfjs runtime: not implemented yet'));
}
