import { describe, expect, it } from 'vitest';
import { movedText, roundJobText, searchIsLive, verificationLine } from './search-verification';
import type { VerificationLike } from './search-verification';

const loop = (round: number, job: { status: string; progress: number; attempts: number } | null, extra: Partial<VerificationLike> = {}): VerificationLike => ({
  rounds: 3,
  round,
  deviceProfile: { name: 'Pi 5' },
  history: Array.from({ length: round }, (_, i) => ({ round: i + 1, verificationJob: i + 1 === round ? job : { status: 'SUCCEEDED', progress: 1, attempts: 1 } })),
  stoppedBy: null,
  ...extra,
});

describe('a verifying search in words', () => {
  it('is live while it searches or waits for the device', () => {
    expect(['QUEUED', 'RUNNING', 'VERIFYING', 'SUCCEEDED', 'FAILED'].map(searchIsLive)).toEqual([true, true, true, false, false]);
  });

  it("names the device, the round and where the round's job stands", () => {
    expect(verificationLine('VERIFYING', loop(1, { status: 'QUEUED', progress: 0, attempts: 0 }))).toBe('verifying on Pi 5: round 1 of 3, waiting for an agent');
    expect(verificationLine('VERIFYING', loop(2, { status: 'RUNNING', progress: 0.4, attempts: 1 }))).toBe('verifying on Pi 5: round 2 of 3, measuring 40 %');
    expect(verificationLine('VERIFYING', loop(2, { status: 'QUEUED', progress: 0, attempts: 1 }))).toBe('verifying on Pi 5: round 2 of 3, back in the queue for an agent');
    expect(verificationLine('RUNNING', loop(2, null))).toBe('verifying on Pi 5: round 2 of 3, searching');
    expect(verificationLine('QUEUED', loop(0, null))).toBe('verifying on Pi 5: round 1 of 3, queued to search');
    expect(verificationLine('VERIFYING', loop(1, null, { deviceProfile: null }))).toBe('verifying on a device no longer shared: round 1 of 3, waiting for an agent');
  });

  it('says how the loop ended', () => {
    expect(verificationLine('SUCCEEDED', loop(2, null, { stoppedBy: 'MET' }))).toBe('verified on Pi 5: every budget met as measured in round 2 of 3');
    expect(verificationLine('SUCCEEDED', loop(3, null, { stoppedBy: 'ROUNDS' }))).toBe('verified on Pi 5: a budget is still missed as measured after 3 rounds');
    expect(verificationLine('SUCCEEDED', loop(2, null, { stoppedBy: 'INFEASIBLE' }))).toBe('verified on Pi 5: round 2 of 3 found nothing under the tightened budgets');
    // A later round that breaks a budget or finds nothing does not undo earlier rounds' measured-feasible proposals.
    expect(verificationLine('SUCCEEDED', loop(2, null, { stoppedBy: 'INFEASIBLE', met: true }))).toBe("verified on Pi 5: every budget met as measured by earlier rounds' proposals (ranked first); round 2 of 3 found nothing under the tightened budgets");
    expect(verificationLine('SUCCEEDED', loop(3, null, { stoppedBy: 'ROUNDS', met: true }))).toBe('verified on Pi 5: every budget met as measured by some proposals (ranked first); others still break one after 3 rounds');
    expect(verificationLine('FAILED', loop(1, { status: 'FAILED', progress: 0.2, attempts: 3 }))).toBe('verification on Pi 5 stopped in round 1 of 3');
  });

  it("shows a round job's state and a moved bound at the rule's 1e-4 rounding", () => {
    expect(roundJobText({ status: 'SUCCEEDED', progress: 1, attempts: 1 })).toBe('measured');
    expect(roundJobText({ status: 'FAILED', progress: 0.5, attempts: 3 })).toBe('measuring failed');
    expect(movedText(900, 881.47110000001)).toBe('900 → 881.4711');
  });
});
