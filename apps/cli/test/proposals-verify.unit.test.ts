import { describe, expect, it } from 'vitest';
import type { PlatformProposalSetToVerifyQuery, PlatformVerificationJobFragment } from '../src/graphql/generated.js';
import { gateCode, judge } from '../src/platform/proposals-verify.js';

type ProposalSet = NonNullable<PlatformProposalSetToVerifyQuery['organization']['project']['proposalSet']>;

const PI5 = 'device-pi5';
const JETSON = 'device-jetson';
const devices = new Map([[PI5, 'pi5'], [JETSON, 'jetson']]);

const total = (metric: 'LATENCY' | 'MEMORY' | 'ACCURACY', deviceProfileId: string | null, reference: number, delta: number) =>
  ({ label: metric.toLowerCase(), metric, deviceProfileId, unit: '', reference, delta, total: reference + delta });

/** Two proposals searched on pi5 (latency, memory) and jetson (latency), with an accuracy table. */
const SET: ProposalSet = {
  id: 'set',
  version: 3,
  proposals: [1, 2].map((rank) => ({
    rank,
    feasible: true,
    totals: [total('LATENCY', PI5, 40, -2), total('MEMORY', PI5, 1230, -40), total('LATENCY', JETSON, 10, -1), total('ACCURACY', PI5, 0.34, -0.004)],
  })),
  searchRequest: {
    budgets: [
      { metric: { metric: 'LATENCY', deviceProfileId: PI5 }, bound: 'MAX', value: 39, of: 'TOTAL' },
      { metric: { metric: 'PEAK_MEMORY', deviceProfileId: PI5 }, bound: 'MAX', value: 1200, of: 'TOTAL' },
      { metric: { metric: 'LATENCY', deviceProfileId: JETSON }, bound: 'MAX', value: 9.5, of: 'TOTAL' },
      { metric: { metric: 'ACCURACY', deviceProfileId: PI5 }, bound: 'MIN', value: -0.005, of: 'DELTA' },
    ],
  },
};

const measurement = (rank: number, metric: 'LATENCY' | 'MEMORY', measured: number, measuredTotal: number | null) =>
  ({ rank, metric, predicted: null, measured, measuredTotal, ciLow: measured, ciHigh: measured, runs: 1, host: 'h' });

function job(measurements: PlatformVerificationJobFragment['measurements'], status = 'SUCCEEDED'): PlatformVerificationJobFragment {
  return {
    id: 'job', status: status as 'SUCCEEDED', ranks: [1, 2], metrics: ['LATENCY', 'MEMORY'], attempts: 1, maxAttempts: 3, progress: 1, errorMessage: null,
    agent: { name: 'a' }, proposalSet: { id: 'set' }, deviceProfile: { id: PI5, name: 'pi5' }, measurements,
  };
}

describe('proposals verify gate', () => {
  it("judges budgets the job measured on the measurement, the rest on the prediction, and passes on the lowest rank's verdict", () => {
    // Rank 1: latency 38.5 ≤ 39 measured; peak memory from the planner's whole-model total (no total sent: reference + Δ).
    // Rank 2: latency 39.5 breaks 39 as measured although 38 was predicted.
    const j = job([measurement(1, 'LATENCY', -1.5, 38.5), measurement(1, 'MEMORY', -31, null), measurement(2, 'LATENCY', -0.5, 39.5), measurement(2, 'MEMORY', -40, 1190)]);
    const [one, two] = judge(SET, j, devices);
    expect(one!.checks.map((c) => [c.budget, c.judgedOn, c.measured ?? c.predicted, c.ok])).toEqual([
      ['latency@pi5 ≤ 39', 'measured', 38.5, true],
      ['peak_memory@pi5 ≤ 1200', 'measured', 1199, true],
      // Another device, and a metric the job did not measure: as predicted.
      ['latency@jetson ≤ 9.5', 'predicted', 9, true],
      ['accuracy@pi5 Δ ≥ -0.005', 'predicted', -0.004, true],
    ]);
    expect(one!.meetsBudgetsAsMeasured).toBe(true);
    expect(two!.checks[0]).toMatchObject({ judgedOn: 'measured', measured: 39.5, predicted: 38, ok: false });
    expect(two!.meetsBudgetsAsMeasured).toBe(false);
    expect(gateCode(j, [one!, two!])).toBe(0);
    expect(gateCode(j, [two!, one!])).toBe(1);
  });

  it('fails on a failed job and times out on an unfinished one', () => {
    expect(gateCode(job([], 'FAILED'), [])).toBe(1);
    expect(gateCode(job([], 'RUNNING'), [])).toBe(3);
  });
});
