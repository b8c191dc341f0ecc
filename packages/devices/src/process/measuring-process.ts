/**
 * The malloc settings a measuring process runs with, and the relaunch that arranges them.
 * Kept apart from the package's index (its own `exports` entry) so that a CLI can decide to
 * relaunch before it loads any runtime.
 */

/**
 * glibc's malloc tunables for a process that times models (PROFILING.md, "Huge pages and fixed
 * malloc thresholds"): 2 MiB pages make a session's memory placement repeatable, and fixed
 * thresholds stop glibc from moving its mmap threshold and from returning freed memory to the
 * kernel, so runs after the first stop paying page faults that vary with the heap's state.
 */
export const MEASURING_MALLOC_TUNABLES: Readonly<Record<string, string>> = {
  'glibc.malloc.hugetlb': '1',
  'glibc.malloc.mmap_threshold': '33554432',
  'glibc.malloc.trim_threshold': '4294967296',
};

/** Set to `0` to run in the process as started, without the relaunch. */
export const MALLOC_TUNING_ENV = 'ACTNAS_MALLOC_TUNING';
/** Marks the relaunched child, so that it never relaunches again, with the pid of the process that started it. */
const RELAUNCHED_ENV = 'ACTNAS_RELAUNCHED';
/** Signals that end this process by default, which it forwards to the child instead. */
const HELD_SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
/** How often a relaunched child checks that the process that started it is still there. */
const PARENT_CHECK_MS = 250;

const tunablesOf = (value: string | undefined): Map<string, string> =>
  new Map((value ?? '').split(':').filter((t) => t.includes('=')).map((t) => [t.slice(0, t.indexOf('=')), t.slice(t.indexOf('=') + 1)] as const));

const hasOwnMallocTunables = (value: string | undefined): boolean => [...tunablesOf(value).keys()].some((k) => k in MEASURING_MALLOC_TUNABLES);

/**
 * `GLIBC_TUNABLES` with the measuring tunables added. Any malloc tunable the user set already
 * stays as it is: one who chose their own has a reason.
 */
export function withMeasuringTunables(current: string | undefined): string {
  const tunables = tunablesOf(current);
  if (!hasOwnMallocTunables(current)) for (const [k, v] of Object.entries(MEASURING_MALLOC_TUNABLES)) tunables.set(k, v);
  return [...tunables].map(([k, v]) => `${k}=${v}`).join(':');
}

/** How this process's malloc was tuned at start, for a table's provenance; undefined when it was not. */
export function mallocTuning(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const t = tunablesOf(env['GLIBC_TUNABLES']);
  const hugePages = t.get('glibc.malloc.hugetlb') === '1' || t.get('glibc.malloc.hugetlb') === '2';
  const fixedThresholds = t.has('glibc.malloc.mmap_threshold') && t.has('glibc.malloc.trim_threshold');
  const parts = [...(hugePages ? ['glibc-hugetlb'] : []), ...(fixedThresholds ? ['fixed-thresholds'] : [])];
  return parts.length ? parts.join('+') : undefined;
}

/** What decides a relaunch: the environment, the OS and the C library the process runs on. */
export interface HostProcess {
  readonly env: NodeJS.ProcessEnv;
  readonly platform: NodeJS.Platform;
  /** glibc's version at run time; undefined on musl and other C libraries. */
  readonly glibc: string | undefined;
}

function thisProcess(): HostProcess {
  const report = process.report?.getReport() as { header?: { glibcVersionRuntime?: string } } | undefined;
  return { env: process.env, platform: process.platform, glibc: report?.header?.glibcVersionRuntime };
}

/**
 * Whether the process must start again to get the measuring tunables: glibc reads them only at
 * process start. Not when they are set already, when the user set malloc tunables of their own,
 * on another OS or C library, in the relaunched child, or with `ACTNAS_MALLOC_TUNING=0`.
 */
export function needsRelaunch(host: HostProcess = thisProcess()): boolean {
  if (host.platform !== 'linux' || !host.glibc) return false;
  if (host.env[MALLOC_TUNING_ENV] === '0' || host.env[RELAUNCHED_ENV] !== undefined) return false;
  return !hasOwnMallocTunables(host.env['GLIBC_TUNABLES']);
}

/**
 * Runs this same command again in a child with the measuring tunables set, when it needs them,
 * and returns true: the child then writes to this process's stdin, stdout and stderr, gets every
 * signal this process gets (once: it runs in a session of its own, so a terminal's Ctrl-C reaches
 * it only through this process), stops and continues with it (Ctrl-Z, `fg`), and this process
 * exits with the child's code or signal. The
 * caller must do nothing else then.
 * Returns false when no relaunch is needed: the caller goes on in this process. In a relaunched
 * child it also starts watching the process that started it: if that one is killed outright
 * (SIGKILL cannot be forwarded), the child kills itself the same way within a quarter second, so
 * nothing measures on as an orphan (an agent holding a job's lease, for one).
 */
export async function relaunchForMeasurement(host: HostProcess = thisProcess()): Promise<boolean> {
  if (!needsRelaunch(host)) {
    followParent(host.env);
    return false;
  }
  const { foregroundChild } = await import('foreground-child');
  const env = { ...host.env, GLIBC_TUNABLES: withMeasuringTunables(host.env['GLIBC_TUNABLES']), [RELAUNCHED_ENV]: String(process.pid) };
  // A stop signal that arrives after the child ended (systemd signals every process of a unit)
  // must not kill this process before it exits with the child's status: held to the end, unless
  // the child died of a signal, which this process then raises on itself.
  const held = (): void => undefined;
  for (const signal of HELD_SIGNALS) process.on(signal, held);
  const child = foregroundChild(process.execPath, [...process.execArgv, ...process.argv.slice(1)], { env, detached: true }, (_code, signal) => {
    if (signal) for (const s of HELD_SIGNALS) process.off(s, held);
    return undefined;
  });
  // Job control: a terminal's Ctrl-Z (SIGTSTP) reaches only this process, the child being in a
  // session of its own. Stop the child with it and let it go on when this process is continued
  // (`fg`, `bg`, SIGCONT), as a shell does with the processes of one job.
  process.on('SIGTSTP', () => {
    child.kill('SIGSTOP');
    process.kill(process.pid, 'SIGSTOP');
  });
  process.on('SIGCONT', () => child.kill('SIGCONT'));
  return true;
}

function followParent(env: NodeJS.ProcessEnv): void {
  const parent = Number(env[RELAUNCHED_ENV]);
  // Not inherited further: a process this one starts has its own parent (and has the tunables).
  Reflect.deleteProperty(env, RELAUNCHED_ENV);
  if (!Number.isInteger(parent) || parent <= 0) return;
  // Also at once: the parent may have been killed while this process was still starting.
  const check = (): void => {
    if (process.ppid !== parent) process.kill(process.pid, 'SIGKILL');
  };
  check();
  setInterval(check, PARENT_CHECK_MS).unref();
}
