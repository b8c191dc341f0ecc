import { describe, expect, it } from 'vitest';
import { hostCpu, provenanceNote } from '../src/profile/provenance.js';

describe('table provenance', () => {
  it('says how malloc was tuned in the note only when it was', () => {
    const base = { runtime: { runtime: 'ort', version: '1.30.0', backend: 'cpu', threads: 1 }, hostCpu: 'AMD EPYC', imgsz: 640, model: 'yolov5nu', metric: 'latency', mode: 'micro', protocol: 'paired' };
    expect(provenanceNote({ ...base, malloc: 'glibc-hugetlb+fixed-thresholds' })).toMatch(/; malloc=glibc-hugetlb\+fixed-thresholds$/);
    expect(provenanceNote(base)).not.toMatch(/malloc=/);
  });

  it('names the CPU with its x86 family and model where /proc/cpuinfo gives them', () => {
    const cpuinfo = 'processor\t: 0\nvendor_id\t: AuthenticAMD\ncpu family\t: 26\nmodel\t\t: 2\nmodel name\t: AMD EPYC\nstepping\t: 1\n';
    expect(hostCpu(cpuinfo)).toMatch(/ \(family 26, model 2\)$/);
    expect(hostCpu('')).not.toMatch(/family/);
  });
});
