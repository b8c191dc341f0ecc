import { hostname } from 'node:os';
import type { ActivationKind } from '@actnas/core';
import { fullActivationRegistry } from '@actnas/core';
import type { Prediction, ProfileGraph, VerifyCandidate, VerifyMetric, VerifyProgress } from '@actnas/devices';
import { PROFILE_DEFAULTS } from '@actnas/devices';
import type { AgentVerificationJobFragment, ProposalMeasurementInput } from '../graphql/generated.js';
import { VERIFY_DEFAULTS } from '../verify/verify-flags.js';
import { buildVerifier, nwotSettingsOf } from '../verify/verify-setup.js';
import type { AgentSettings, MeasureHooks } from './agent.profiler.js';
import { AgentJobError, deviceFusion, verificationSubject } from './agent.profiler.js';

type Proposal = AgentVerificationJobFragment['proposalSet']['proposals'][number];

/** A version, or the draft of a search that verifies in rounds (a set without a version until its loop ends). */
export const setName = (set: { readonly version: number; readonly draft: boolean }): string => (set.draft ? 'the draft set of a verifying search' : `proposal set v${set.version}`);

/** Share of the job per phase of verifyProposals (memory and NWOT are quick beside whole-model latency). */
const PHASES: readonly { readonly metric: VerifyMetric; readonly weight: number }[] = [
  { metric: 'memory', weight: 1 },
  { metric: 'accuracy', weight: 4 },
  { metric: 'latency', weight: 10 },
];

/** The job's proposals, in the job's rank order; a rank the set lacks is a job this agent cannot do. */
function jobProposals(job: AgentVerificationJobFragment): Proposal[] {
  return job.ranks.map((rank) => {
    const p = job.proposalSet.proposals.find((x) => x.rank === rank);
    if (!p) throw new AgentJobError(`${setName(job.proposalSet)} has no proposal of rank ${rank}`);
    return p;
  });
}

/** The set's Σ-cells totals on this job's device (a table without a device, e.g. accuracy, counts too). */
function predictionsOf(p: Proposal, deviceProfileId: string): Partial<Record<VerifyMetric, Prediction>> {
  const out: Partial<Record<VerifyMetric, Prediction>> = {};
  for (const metric of ['latency', 'memory', 'accuracy'] as const) {
    const totals = p.totals.filter((t) => t.metric.toLowerCase() === metric);
    const t = totals.find((x) => x.deviceProfileId === deviceProfileId) ?? totals.find((x) => x.deviceProfileId === null);
    if (t) out[metric] = { delta: t.delta, uncertainty: 0, reference: t.reference };
  }
  return out;
}

function candidateOf(p: Proposal, deviceProfileId: string): VerifyCandidate {
  const registry = fullActivationRegistry();
  const sites: Record<string, ActivationKind> = {};
  for (const { site, activation } of p.activations) {
    const kind = registry.tryResolve(activation);
    if (!kind) throw new AgentJobError(`proposal ${p.rank}: this agent does not know the activation "${activation}" at ${site}; update it`);
    sites[site] = kind;
  }
  return { name: `#${p.rank}`, kind: 'proposal', rank: p.rank, sites, predicted: predictionsOf(p, deviceProfileId) };
}

/** Fraction of the whole job done at a progress event of verifyProposals. */
function progressOf(metrics: readonly VerifyMetric[], p: VerifyProgress): number {
  const phases = PHASES.filter((x) => metrics.includes(x.metric));
  const sum = phases.reduce((s, x) => s + x.weight, 0);
  const metric: VerifyMetric = p.phase === 'null' ? 'latency' : p.phase;
  const index = phases.findIndex((x) => x.metric === metric);
  const before = phases.slice(0, index).reduce((s, x) => s + x.weight, 0);
  return (before + phases[index]!.weight * Math.min(1, p.done / Math.max(1, p.total))) / sum;
}

/** The accuracy table the search used on this job's device (or one without a device). */
function accuracyTable(job: AgentVerificationJobFragment): AgentVerificationJobFragment['proposalSet']['searchRequest']['costTables'][number] | undefined {
  const tables = job.proposalSet.searchRequest.costTables.filter((t) => t.metric === 'ACCURACY');
  return tables.find((t) => t.deviceProfile.id === job.deviceProfile.id) ?? tables[0];
}

/** The model at the accuracy table's input size when it differs from the device's (NWOT deltas depend on it). */
async function nwotSubjectGraph(job: AgentVerificationJobFragment, settings: AgentSettings, imgsz: string | undefined, graph: ProfileGraph): Promise<ProfileGraph> {
  const size = Number(imgsz);
  if (!job.metrics.includes('ACCURACY') || !Number.isInteger(size) || size === job.deviceProfile.inputSize) return graph;
  return (await verificationSubject({ ...job, deviceProfile: { ...job.deviceProfile, inputSize: size } }, settings)).graph;
}

/**
 * Measures the job's proposals whole on this host with `actnas verify`'s protocol and defaults, at
 * the device profile's input size, threads and fused activations: one measurement per rank × metric.
 */
export async function verifyJob(job: AgentVerificationJobFragment, settings: AgentSettings, hooks: MeasureHooks): Promise<ProposalMeasurementInput[]> {
  const { modelName, graph, reference } = await verificationSubject(job, settings);
  const nwot = nwotSettingsOf(accuracyTable(job));
  const nwotGraph = await nwotSubjectGraph(job, settings, nwot.imgsz, graph);
  const metrics = job.metrics.map((m) => m.toLowerCase() as VerifyMetric);
  const candidates = jobProposals(job).map((p) => candidateOf(p, job.deviceProfile.id));
  const used = candidates.flatMap((c) => Object.values(c.sites));
  const verifier = await buildVerifier({
    modelName,
    reference,
    graph,
    nwotGraph,
    metrics,
    tables: {},
    runtime: settings.runtime,
    threads: settings.threads ?? job.deviceProfile.threads,
    nullCopies: Number(VERIFY_DEFAULTS.nullCopies),
    maxPairs: Number(VERIFY_DEFAULTS.maxPairs),
    maxModelSeconds: Number(VERIFY_DEFAULTS.maxModelSeconds),
    targetAbs: Number(VERIFY_DEFAULTS.targetAbs),
    targetRel: Number(VERIFY_DEFAULTS.targetRel),
    nwotBatch: nwot.batch ? Number(nwot.batch) : PROFILE_DEFAULTS.nwot.batch,
    nwotSeeds: nwot.seeds ?? PROFILE_DEFAULTS.nwot.seeds,
    fusion: deviceFusion(job.deviceProfile.fusedActivations, settings.runtime),
    memoryCandidates: [...new Map([...settings.candidates, ...used].map((k) => [k.id, k])).values()],
    onProgress: (p) => {
      hooks.onProgress(progressOf(metrics, p));
      hooks.onCell();
    },
  });
  const report = await verifier.verify(candidates, {});
  const host = hostname().slice(0, 200);
  return report.candidates.flatMap((c) =>
    c.metrics.map((m): ProposalMeasurementInput => ({
      rank: c.rank!,
      metric: job.metrics.find((x) => x.toLowerCase() === m.metric)!,
      measured: m.measured.delta,
      ...(m.measured.total === undefined ? {} : { measuredTotal: m.measured.total }),
      ciLow: m.measured.low,
      ciHigh: m.measured.high,
      runs: m.measured.runs,
      host,
    })),
  );
}
