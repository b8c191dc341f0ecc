/** A search still moving: searching, or waiting for its round to be measured on the device. */
export const searchIsLive = (status: string): boolean => status === 'QUEUED' || status === 'RUNNING' || status === 'VERIFYING';

interface RoundJob {
  readonly status: string;
  readonly progress: number;
  readonly attempts: number;
}

/** What the labels read of `SearchRequest.verification`. */
export interface VerificationLike {
  readonly rounds: number;
  readonly round: number;
  readonly deviceProfile?: { readonly name: string } | null;
  readonly history: readonly { readonly round: number; readonly verificationJob?: RoundJob | null }[];
  readonly stoppedBy?: 'MET' | 'ROUNDS' | 'INFEASIBLE' | null;
  /** Some proposal of any round meets every budget as measured (set when the loop ends). */
  readonly met?: boolean | null;
}

/** The device's name, or what to say when the organization can no longer see it. */
export const verifyDevice = (v: Pick<VerificationLike, 'deviceProfile'>): string => v.deviceProfile?.name ?? 'a device no longer shared';

/** Where a round's verification job stands: `waiting for an agent`, `measuring 40 %`. */
export function roundJobText(job: RoundJob | null | undefined): string {
  if (!job) return 'waiting for an agent';
  if (job.status === 'RUNNING') return `measuring ${Math.round(job.progress * 100)} %`;
  if (job.status === 'QUEUED') return job.attempts === 0 ? 'waiting for an agent' : 'back in the queue for an agent';
  return job.status === 'SUCCEEDED' ? 'measured' : 'measuring failed';
}

/**
 * The loop in one line, e.g. `verifying on Pi 5: round 2 of 3, measuring 40 %`, or how it ended;
 * `status` is the search request's.
 */
export function verificationLine(status: string, v: VerificationLike): string {
  const device = verifyDevice(v);
  const of = `round ${Math.max(v.round, 1)} of ${v.rounds}`;
  if (v.stoppedBy === 'MET') return `verified on ${device}: every budget met as measured in ${of}`;
  const rounds = `${v.rounds} round${v.rounds === 1 ? '' : 's'}`;
  if (v.stoppedBy === 'ROUNDS') return v.met ? `verified on ${device}: every budget met as measured by some proposals (ranked first); others still break one after ${rounds}` : `verified on ${device}: a budget is still missed as measured after ${rounds}`;
  if (v.stoppedBy === 'INFEASIBLE') return v.met ? `verified on ${device}: every budget met as measured by earlier rounds' proposals (ranked first); ${of} found nothing under the tightened budgets` : `verified on ${device}: ${of} found nothing under the tightened budgets`;
  if (status === 'VERIFYING') return `verifying on ${device}: ${of}, ${roundJobText(v.history.find((h) => h.round === v.round)?.verificationJob)}`;
  if (status === 'QUEUED') return `verifying on ${device}: ${of}, queued to search`;
  if (status === 'RUNNING') return `verifying on ${device}: ${of}, searching`;
  return `verification on ${device} stopped in ${of}`;
}

/** A budget bound as the tightening rule moved it, trimmed to its 1e-4 rounding: `900 → 881.4711`. */
export const movedText = (from: number, to: number): string => `${Number(from.toFixed(4))} → ${Number(to.toFixed(4))}`;
