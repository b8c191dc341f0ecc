import { describe, expect, it } from 'vitest';
import { hostCpu, mallocHugePages, provenanceNote } from '../src/profile/provenance.js';

describe('table provenance', () => {
  it('knows whether glibc was asked for huge pages at process start', () => {
    expect(mallocHugePages({ GLIBC_TUNABLES: 'glibc.malloc.hugetlb=1' })).toBe(true);
    expect(mallocHugePages({ GLIBC_TUNABLES: 'glibc.malloc.arena_max=2:glibc.malloc.hugetlb=2' })).toBe(true);
    expect(mallocHugePages({ GLIBC_TUNABLES: 'glibc.malloc.hugetlb=0' })).toBe(false);
    expect(mallocHugePages({ GLIBC_TUNABLES: 'glibc.malloc.hugetlb=10' })).toBe(false);
    expect(mallocHugePages({})).toBe(false);
  });

  it('says so in the note only when it was', () => {
    const base = { runtime: { runtime: 'ort', version: '1.30.0', backend: 'cpu', threads: 1 }, hostCpu: 'AMD EPYC', imgsz: 640, model: 'yolov5nu', metric: 'latency', mode: 'micro', protocol: 'paired' };
    expect(provenanceNote({ ...base, hugePages: true })).toMatch(/; malloc=glibc-hugetlb$/);
    expect(provenanceNote({ ...base, hugePages: false })).not.toMatch(/malloc=/);
  });

  it('names the CPU with its x86 family and model where /proc/cpuinfo gives them', () => {
    const cpuinfo = 'processor\t: 0\nvendor_id\t: AuthenticAMD\ncpu family\t: 26\nmodel\t\t: 2\nmodel name\t: AMD EPYC\nstepping\t: 1\n';
    expect(hostCpu(cpuinfo)).toMatch(/ \(family 26, model 2\)$/);
    expect(hostCpu('')).not.toMatch(/family/);
  });
});
