import { cpus } from 'node:os';
import type { RuntimeProvenance } from '../runtimes/runtime.js';

/** Everything needed to judge a table: who measured, how, on what. */
export interface TableProvenance {
  readonly runtime: RuntimeProvenance;
  readonly hostCpu: string;
  readonly imgsz: number;
  readonly model: string;
  readonly metric: string;
  readonly mode: string;
  readonly protocol: string;
}

export function hostCpu(): string {
  return cpus()[0]?.model.trim() ?? 'unknown';
}

/** One line of `key=value` pairs for the cost table's provenance note. */
export function provenanceNote(p: TableProvenance): string {
  const r = p.runtime;
  return [
    `model=${p.model}`, `imgsz=${p.imgsz}`, `metric=${p.metric}`, `mode=${p.mode}`, `protocol=${p.protocol}`,
    `runtime=${r.runtime} ${r.version} (${r.backend})`, `threads=${r.threads}`,
    ...(r.graphOptimizationLevel ? [`graph-opt=${r.graphOptimizationLevel}`] : []),
    ...(r.executionMode ? [`execution=${r.executionMode}`] : []),
    `host-cpu=${p.hostCpu}`,
  ].join('; ');
}
