import { describe, expect, it } from 'vitest';
import type { HostProcess } from '../src/process/measuring-process.js';
import { MEASURING_MALLOC_TUNABLES, mallocTuning, needsRelaunch, relaunchForMeasurement, withMeasuringTunables } from '../src/process/measuring-process.js';

const ALL = 'glibc.malloc.hugetlb=1:glibc.malloc.mmap_threshold=33554432:glibc.malloc.trim_threshold=4294967296';
const linux = (env: NodeJS.ProcessEnv): HostProcess => ({ env, platform: 'linux', glibc: '2.36' });

describe('the measuring process: malloc tunables and the relaunch that sets them', () => {
  it('adds the measuring tunables to whatever GLIBC_TUNABLES holds, keeping the rest', () => {
    expect(withMeasuringTunables(undefined)).toBe(ALL);
    expect(withMeasuringTunables('')).toBe(ALL);
    expect(withMeasuringTunables('glibc.pthread.rseq=0')).toBe(`glibc.pthread.rseq=0:${ALL}`);
    expect(Object.keys(MEASURING_MALLOC_TUNABLES)).toHaveLength(3);
  });

  it("keeps a user's own malloc tunables as they are", () => {
    expect(withMeasuringTunables('glibc.malloc.hugetlb=0')).toBe('glibc.malloc.hugetlb=0');
    expect(withMeasuringTunables('glibc.malloc.trim_threshold=1:glibc.cpu.x86_shstk=off')).toBe('glibc.malloc.trim_threshold=1:glibc.cpu.x86_shstk=off');
  });

  it('names the tuning a process started with, for the table note', () => {
    expect(mallocTuning({ GLIBC_TUNABLES: ALL })).toBe('glibc-hugetlb+fixed-thresholds');
    expect(mallocTuning({ GLIBC_TUNABLES: 'glibc.malloc.hugetlb=1' })).toBe('glibc-hugetlb');
    expect(mallocTuning({ GLIBC_TUNABLES: 'glibc.malloc.arena_max=2:glibc.malloc.hugetlb=2' })).toBe('glibc-hugetlb');
    expect(mallocTuning({ GLIBC_TUNABLES: 'glibc.malloc.hugetlb=0' })).toBeUndefined();
    expect(mallocTuning({ GLIBC_TUNABLES: 'glibc.malloc.hugetlb=10' })).toBeUndefined();
    expect(mallocTuning({ GLIBC_TUNABLES: 'glibc.malloc.mmap_threshold=33554432:glibc.malloc.trim_threshold=4294967296' })).toBe('fixed-thresholds');
    expect(mallocTuning({})).toBeUndefined();
  });

  it('relaunches on Linux with glibc when the tunables are missing, and only then', () => {
    expect(needsRelaunch(linux({}))).toBe(true);
    expect(needsRelaunch(linux({ GLIBC_TUNABLES: 'glibc.pthread.rseq=0' }))).toBe(true);
    // Already set, by an earlier relaunch or by the user.
    expect(needsRelaunch(linux({ GLIBC_TUNABLES: ALL }))).toBe(false);
    expect(needsRelaunch(linux({ GLIBC_TUNABLES: 'glibc.malloc.hugetlb=0' }))).toBe(false);
    // The relaunched child never relaunches, even if glibc dropped the variable.
    expect(needsRelaunch(linux({ ACTNAS_RELAUNCHED: '1' }))).toBe(false);
    // Switched off.
    expect(needsRelaunch(linux({ ACTNAS_MALLOC_TUNING: '0' }))).toBe(false);
    expect(needsRelaunch(linux({ ACTNAS_MALLOC_TUNING: '1' }))).toBe(true);
    // Other C libraries and OSes ignore GLIBC_TUNABLES: a relaunch would only cost time.
    expect(needsRelaunch({ env: {}, platform: 'linux', glibc: undefined })).toBe(false);
    expect(needsRelaunch({ env: {}, platform: 'darwin', glibc: undefined })).toBe(false);
    expect(needsRelaunch({ env: {}, platform: 'win32', glibc: undefined })).toBe(false);
  });

  it("a relaunched child goes on in its process and does not hand its parent's pid down", async () => {
    // This test's process plays the child: the pid in the marker is its real parent, so it lives on.
    const env: NodeJS.ProcessEnv = { GLIBC_TUNABLES: ALL, ACTNAS_RELAUNCHED: String(process.ppid) };
    expect(await relaunchForMeasurement({ env, platform: 'linux', glibc: '2.36' })).toBe(false);
    expect(env).toEqual({ GLIBC_TUNABLES: ALL });
  });
});
