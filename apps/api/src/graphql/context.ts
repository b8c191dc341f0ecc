import type { DataSource } from 'typeorm';
import type { Actor } from '../auth/actor.js';
import type { ApiConfig } from '../config.js';
import type { RequestCacheState } from '../response-cache/response-cache.js';
import type { Services } from '../services.js';
import type { ExportBudget } from './export-budget.js';
import type { Loaders } from './loaders.js';

export interface Context {
  readonly dataSource: DataSource;
  readonly services: Services;
  readonly config: ApiConfig;
  readonly actor: Actor;
  /** The request's clock: one instant per request, so a request never sees time move. */
  readonly now: Date;
  readonly loaders: Loaders;
  /** The client's address (per `trust proxy`), for sign-in throttling and audit. */
  readonly clientAddress: string;
  /** Bytes this request may still export (see ExportBudget). */
  readonly exports: ExportBudget;
  /** What the response cache needs to know about this request (absent when the cache is not in the chain). */
  readonly responseCache?: RequestCacheState;
}
