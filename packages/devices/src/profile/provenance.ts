import { readFileSync } from 'node:fs';
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
  /** How glibc's malloc was tuned at the process's start (see `mallocTuning`): `glibc-hugetlb+fixed-thresholds` as `actnas` relaunches itself. */
  readonly malloc?: string;
}

/**
 * The CPU's model name, with its x86 family and model where /proc/cpuinfo gives them: a virtual
 * machine often says only "AMD EPYC", and per-site costs differ between microarchitectures (on
 * Zen 5, family 26, Hardswish costs more than SiLU at most sites; the Zen 4 hosts measured before
 * had it cheaper), so a table must say which one it was measured on.
 */
export function hostCpu(cpuinfo: string | undefined = readCpuinfo()): string {
  const name = cpus()[0]?.model.trim() ?? 'unknown';
  const field = (key: string): string | undefined => cpuinfo?.match(new RegExp(`^${key}\\s*:\\s*(\\d+)`, 'm'))?.[1];
  const family = field('cpu family');
  const model = field('model');
  return family && model ? `${name} (family ${family}, model ${model})` : name;
}

function readCpuinfo(): string | undefined {
  try {
    return readFileSync('/proc/cpuinfo', 'utf8');
  } catch {
    return undefined;
  }
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
    ...(p.malloc ? [`malloc=${p.malloc}`] : []),
  ].join('; ');
}
