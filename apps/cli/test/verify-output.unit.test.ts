import { describe, expect, it } from 'vitest';
import type { MetricCheck, VerifiedCandidate, VerifyReport } from '@actnas/devices';
import { NWOT_NOT_ADDITIVE, formatVerifyReport } from '../src/verify/verify-output.js';

const accuracy = (residual: number): MetricCheck => ({
  metric: 'accuracy',
  unit: 'nwot',
  predicted: { delta: 1.29, uncertainty: 0, reference: 231.4 },
  measured: { delta: 1.29 + residual, low: 1.29 + residual, high: 1.29 + residual, total: 231.4 + 1.29 + residual, runs: 1 },
  residual,
  combinedUncertainty: 0,
  inside: residual === 0,
});
const candidate = (m: MetricCheck): VerifiedCandidate => ({ name: 'all-relu', kind: 'baseline', changedSites: 69, metrics: [m], outside: m.inside ? [] : ['accuracy'], broken: [] });
const report = (m: MetricCheck): VerifyReport => ({ candidates: [candidate(m)], reference: { accuracy: 231.4 }, elapsedMs: 1000 });

describe('verify report text', () => {
  it('says why an accuracy residual is no table error when a whole model\'s NWOT lies outside the sum, and only then', () => {
    const flagged = formatVerifyReport(report(accuracy(-4.4)), 'verify');
    expect(flagged).toMatch(/OUTSIDE/);
    expect(flagged).toContain(NWOT_NOT_ADDITIVE);
    expect(formatVerifyReport(report(accuracy(0)), 'verify')).not.toContain(NWOT_NOT_ADDITIVE);
  });
});
