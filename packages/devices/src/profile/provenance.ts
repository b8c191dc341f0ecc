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
  /** Whether glibc backed the runtime's allocations with transparent huge pages (see `mallocHugePages`). */
  readonly hugePages?: boolean;
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

/**
 * Whether this process was started with glibc's `glibc.malloc.hugetlb` tunable (1 = madvise THP,
 * 2 = hugetlbfs). With 4 KiB pages each new session lands on different physical pages, so its
 * cache-set conflicts, and its latency, differ from the last session's; 2 MiB pages make that
 * placement repeatable (PROFILING.md). The tunable is read at process start, so it cannot be set here.
 */
export function mallocHugePages(env: NodeJS.ProcessEnv = process.env): boolean {
  return /(^|:)glibc\.malloc\.hugetlb=[12](:|$)/.test(env['GLIBC_TUNABLES'] ?? '');
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
    ...(p.hugePages ? ['malloc=glibc-hugetlb'] : []),
  ].join('; ');
}
