import { checkMeasuredBudget, loopVerdict, objectiveFromTotals, rankByMeasured, tightenBudgets } from '@actnas/core';
import type { Budget, MeasuredBudgetCheck, MeasuredMetric, MetricRef, Proposal, SearchResult } from '@actnas/core';
import type { DataSource, EntityManager } from 'typeorm';
import { crossTenantSql, owned } from '../../database/tenant.js';
import type { OrgRef } from '../../database/tenant.js';
import type { JobQueue } from '../../jobs/job-queue.js';
import type { AuditService } from '../audit/audit.service.js';
import type { CostTableService } from '../cost-tables/cost-table.service.js';
import { ProposalSetEntity } from '../proposal-sets/proposal-set.entity.js';
import type { ProposalSetRow } from '../proposal-sets/proposal-set.entity.js';
import type { ProposalSetService } from '../proposal-sets/proposal-set.service.js';
import { ProposalMeasurementEntity } from '../verification-jobs/proposal-measurement.entity.js';
import type { ProposalMeasurement } from '../verification-jobs/proposal-measurement.entity.js';
import type { VerificationJob } from '../verification-jobs/verification-job.entity.js';
import { VerificationJobEntity } from '../verification-jobs/verification-job.entity.js';
import type { VerificationJobListener, VerificationJobService } from '../verification-jobs/verification-job.service.js';
import { SearchRequestEntity } from './search-request.entity.js';
import type { SearchRequestRow, VerificationRound, VerificationState, VerificationStop } from './search-request.entity.js';

/** What a verifying search keeps per proposal in its draft and final set (jsonb, beside core's fields). */
export interface VerifiedProposalFields {
  /** The round whose search first returned it, and its rank there. */
  readonly round: number;
  readonly searchRank: number;
  /** Set when the loop ends: it meets every budget as measured on the verify device. */
  readonly measuredFeasible?: boolean;
  /** The objective with measured totals where measured (null when a needed total is missing). */
  readonly measuredObjective?: number | null;
}
export type LoopProposal = Proposal & VerifiedProposalFields;

interface Verdict {
  readonly proposal: LoopProposal;
  readonly checks: readonly MeasuredBudgetCheck[];
  readonly measuredFeasible: boolean;
  readonly measuredObjective: number;
  readonly round: number;
  readonly searchRank: number;
}

/** The state of a search before its first round. */
export const initialVerification = (budgets: readonly Budget[]): VerificationState => ({ round: 0, budgets, draftSetId: null, jobId: null, rounds: [], stoppedBy: null, met: null, missed: [] });

const keyOf = (p: Proposal): string => p.activations.join(',');

/**
 * The search verify loop (SubmitSearchInput.verify). Each round: the runner searches under the
 * round's budgets and hands the result here; new proposals join the search's draft set (a set
 * without a version) and a verification job measures them. When the job completes, broken budgets
 * tighten by the measured residual and the next round is queued, until every proposal of a round
 * meets every budget as measured, the rounds run out or a tightened round is infeasible; then the
 * draft becomes the next version, ranked measured-feasible first, and the search is met when any
 * proposal of any round meets every budget as measured (core's loopVerdict, as `search --verify`). All state is in the search request row and the job rows, changed
 * in the transactions that end a round or a job, so a restarted worker picks the loop up.
 */
export class SearchVerificationLoop implements VerificationJobListener {
  constructor(
    private readonly proposalSets: ProposalSetService,
    private readonly verificationJobs: VerificationJobService,
    private readonly costTables: CostTableService,
    private readonly jobs: JobQueue,
    private readonly audit: AuditService,
    private readonly clock: () => Date,
  ) {}

  /** A round's search found proposals: keep them in the draft and queue measuring the new ones (in the runner's transaction). */
  async roundSearched(manager: EntityManager, request: SearchRequestRow, result: SearchResult): Promise<void> {
    const verify = request.spec.verify!;
    const state = request.verification ?? initialVerification(request.spec.budgets);
    const round = state.round + 1;
    const chosen = verify.ranks === null ? result.proposals : result.proposals.filter((p) => verify.ranks!.includes(p.rank));
    const draft = state.draftSetId ? await this.draftOf(manager, request, state.draftSetId) : null;
    const existing = (draft?.result.proposals ?? []) as readonly LoopProposal[];
    const rankOf = new Map(existing.map((p) => [keyOf(p), p.rank]));
    let last = existing.reduce((max, p) => Math.max(max, p.rank), 0);
    const added: LoopProposal[] = [];
    const ranks = chosen.map((p) => {
      const known = rankOf.get(keyOf(p));
      if (known !== undefined) return known;
      const proposal: LoopProposal = { ...p, rank: ++last, round, searchRank: p.rank };
      added.push(proposal);
      rankOf.set(keyOf(p), proposal.rank);
      return proposal.rank;
    });
    // The first round's result keeps the set's header (budgets as submitted, baselines); later rounds add proposals.
    const merged: SearchResult = draft ? { ...draft.result, proposals: [...existing, ...added] } : { ...result, proposals: added };
    const saved = draft ? (await this.proposalSets.replaceDraft(manager, draft, merged), { ...draft, result: merged }) : await this.proposalSets.saveDraft(manager, { organizationId: request.organizationId, projectId: request.projectId, searchRequestId: request.id }, merged);
    const measuredRanks = added.map((p) => p.rank);
    const jobId = measuredRanks.length > 0 ? await this.queueJob(manager, request, saved.id, measuredRanks) : null;
    const record: VerificationRound = { round, budgets: state.budgets, status: result.status, ranks, measuredRanks, jobId, measuredFeasible: null, tightened: [] };
    const next: VerificationState = { ...state, round, draftSetId: saved.id, jobId, rounds: [...state.rounds, record] };
    await this.save(manager, request, { status: 'verifying', verification: next, progress: round / (verify.rounds + 1) });
    // Every proposal of the round was measured in an earlier one: judge it now.
    if (jobId === null) await this.evaluate(manager, { ...request, verification: next }, saved);
  }

  /** A later round's search found nothing under the tightened budgets: stop and store what the earlier rounds measured. */
  async roundInfeasible(manager: EntityManager, request: SearchRequestRow, result: SearchResult): Promise<void> {
    const state = request.verification!;
    const round = state.round + 1;
    const record: VerificationRound = { round, budgets: state.budgets, status: result.status, ranks: [], measuredRanks: [], jobId: null, measuredFeasible: 0, tightened: [] };
    const next: VerificationState = { ...state, round, jobId: null, rounds: [...state.rounds, record] };
    const draft = await this.draftOf(manager, request, state.draftSetId!);
    await this.recordRound(manager, request, { round, budgets: state.budgets, status: result.status, proposals: 0, measuredFeasible: 0 });
    await this.finalize(manager, { ...request, verification: next }, draft, await this.verdicts(manager, request, draft), 'infeasible');
  }

  /** VerificationJobListener: the job of a verifying search succeeded (judge the round) or failed for good (the search fails). */
  async jobFinished(manager: EntityManager, job: VerificationJob): Promise<void> {
    const rows = await owned(manager, SearchRequestEntity, job).sql<{ id: string }>(
      `SELECT id FROM search_requests WHERE organization_id = $1 AND status = 'verifying' AND verification->>'jobId' = $2 FOR UPDATE`,
      [job.id],
    );
    const request = rows[0] ? await owned(manager, SearchRequestEntity, job).findOne({ id: rows[0].id }) : null;
    if (!request) return;
    if (job.status === 'failed') {
      const why = job.errorMessage ? `: ${job.errorMessage}` : '';
      await this.save(manager, request, {
        status: 'failed',
        errorCode: 'VERIFICATION_FAILED',
        errorMessage: `Verification job ${job.id} of round ${request.verification!.round} failed after ${job.attempts} attempt(s)${why}`,
        progress: 1,
        finishedAt: this.clock(),
        verification: { ...request.verification!, jobId: null },
      });
      const data = { round: request.verification!.round, verificationJobId: job.id, attempts: job.attempts, reason: job.errorMessage };
      await this.audit.record(manager, { organizationId: request.organizationId, platform: true }, { action: 'search_request.verify_failed', targetType: 'search_request', targetId: request.id, data });
      return;
    }
    const draft = await this.draftOf(manager, request, request.verification!.draftSetId!);
    await this.evaluate(manager, request, draft);
  }

  /**
   * Verifying searches whose job failed without a report (its last lease expired and the next
   * lease attempt failed it): they fail too. Run by the reaper; returns how many.
   */
  async failAbandoned(dataSource: DataSource): Promise<number> {
    const rows = await crossTenantSql<{ organization_id: string; job_id: string }>(
      dataSource,
      'worker-lease',
      `SELECT s.organization_id, j.id AS job_id FROM search_requests s JOIN verification_jobs j ON j.organization_id = s.organization_id AND j.id::text = s.verification->>'jobId'
       WHERE s.status = 'verifying' AND j.status = 'failed' LIMIT 100`,
      [],
    );
    for (const row of rows) {
      await dataSource.transaction(async (manager) => {
        const job = await owned(manager, VerificationJobEntity, { organizationId: row.organization_id }).findOne({ id: row.job_id });
        if (job) await this.jobFinished(manager, job);
      });
    }
    return rows.length;
  }

  private async queueJob(manager: EntityManager, request: SearchRequestRow, proposalSetId: string, ranks: number[]): Promise<string> {
    const verify = request.spec.verify!;
    const metrics = await this.costTables.visibleMetrics(request.organizationId, verify.deviceProfileId, request.modelSpecId, manager);
    if (metrics.length === 0) throw new Error('The verify device has no cost tables for the model spec any more');
    const job = await this.verificationJobs.queueForSearch(manager, request, {
      proposalSetId,
      deviceProfileId: verify.deviceProfileId,
      modelSpecId: request.modelSpecId,
      ranks,
      metrics,
      createdById: request.createdByUserId,
    });
    return job.id;
  }

  /** Judges the last round: met → the version; rounds left → tighten and search again; else the version as it stands. */
  private async evaluate(manager: EntityManager, request: SearchRequestRow, draft: ProposalSetRow): Promise<void> {
    const state = request.verification!;
    const verdicts = await this.verdicts(manager, request, draft);
    const current = state.rounds.at(-1)!;
    const round = current.ranks.map((rank) => verdicts.get(rank)!);
    const feasible = round.filter((v) => v.measuredFeasible).length;
    const judged: VerificationState = { ...state, jobId: null, rounds: [...state.rounds.slice(0, -1), { ...current, measuredFeasible: feasible }] };
    await this.recordRound(manager, request, { round: state.round, budgets: state.budgets, proposals: round.length, measuredFeasible: feasible });
    if (feasible === round.length) return this.finalize(manager, { ...request, verification: judged }, draft, verdicts, 'met');
    if (state.round >= request.spec.verify!.rounds) return this.finalize(manager, { ...request, verification: judged }, draft, verdicts, 'rounds');
    const original = request.spec.budgets;
    // Budgets align by index across rounds: the check is against the submitted budget, the move is from the round's.
    const { budgets, tightened } = tightenBudgets(state.budgets, (budget) => {
      const index = state.budgets.indexOf(budget);
      return round.flatMap((v) => v.checks.filter((c) => c.broken && c.budget === original[index]).map((c) => ({ residual: c.residual ?? 0, excess: c.excess })));
    });
    const record = { ...current, measuredFeasible: feasible, tightened: tightened.map((t) => ({ budget: t.budget, to: t.to, from: t.from.value, value: t.next.value, residual: t.residual, breakers: t.breakers })) };
    const next: VerificationState = { ...judged, budgets, rounds: [...state.rounds.slice(0, -1), record] };
    // A fresh run budget for the next round's search; its job is queued in this transaction.
    await this.save(manager, request, { status: 'queued', verification: next, attempts: 0, progress: state.round / (request.spec.verify!.rounds + 1) });
    await this.jobs.enqueueSearch(manager, { searchRequestId: request.id, organizationId: request.organizationId }, `${request.id}:round-${state.round + 1}`);
  }

  /** Each draft proposal against the submitted budgets, with its latest measurement per metric on the verify device. */
  private async verdicts(manager: EntityManager, request: SearchRequestRow, draft: ProposalSetRow): Promise<Map<number, Verdict>> {
    const device = request.spec.verify!.deviceProfileId;
    const rows = await owned(manager, ProposalMeasurementEntity, request).find({ proposalSetId: draft.id, deviceProfileId: device }, { measuredAt: 'DESC', createdAt: 'DESC' });
    const verdicts = new Map<number, Verdict>();
    for (const proposal of draft.result.proposals as readonly LoopProposal[]) {
      const latest = new Map<string, ProposalMeasurement>();
      for (const m of rows) if (m.rank === proposal.rank && !latest.has(m.metric)) latest.set(m.metric, m);
      const measured = [...latest.values()].map((m): MeasuredMetric => {
        const total = proposal.totals.find((t) => t.metric === m.metric && (t.device === device || t.device === undefined));
        // In the table's terms (its reference + the measured delta), as the search's budgets are.
        const measuredTotal = total ? total.reference + m.measuredDelta : (m.measuredTotal ?? undefined);
        return { metric: { metric: m.metric as MetricRef['metric'], device }, measuredDelta: m.measuredDelta, ...(measuredTotal === undefined ? {} : { measuredTotal }), ...(total ? { predictedDelta: total.delta } : {}) };
      });
      const checks = request.spec.budgets.flatMap((b) => checkMeasuredBudget(b, measured) ?? []);
      const totalOf = (ref: MetricRef): number | undefined => {
        const m = measured.find((x) => x.metric.metric === ref.metric && (ref.device === undefined || ref.device === device));
        return m?.measuredTotal ?? proposal.totals.find((t) => t.metric === ref.metric && (ref.device === undefined || t.device === ref.device))?.total;
      };
      verdicts.set(proposal.rank, {
        proposal,
        checks,
        measuredFeasible: measured.length > 0 && checks.every((c) => !c.broken),
        measuredObjective: objectiveFromTotals(request.spec.objective, totalOf),
        round: proposal.round,
        searchRank: proposal.searchRank,
      });
    }
    return verdicts;
  }

  /** The draft becomes the next version, ranked by measurement; its measurements follow their proposals' new ranks. */
  private async finalize(manager: EntityManager, request: SearchRequestRow, draft: ProposalSetRow, verdicts: ReadonlyMap<number, Verdict>, stoppedBy: VerificationStop): Promise<void> {
    const state = request.verification!;
    const ranked = rankByMeasured(request.spec.objective, [...verdicts.values()]);
    const proposals = ranked.map(
      (v, i): LoopProposal => ({ ...v.proposal, rank: i + 1, measuredFeasible: v.measuredFeasible, measuredObjective: Number.isFinite(v.measuredObjective) ? v.measuredObjective : null }),
    );
    await owned(manager, ProposalMeasurementEntity, request).sql(
      `UPDATE proposal_measurements SET rank = m.next FROM unnest($3::int[], $4::int[]) AS m(old, next)
       WHERE proposal_measurements.organization_id = $1 AND proposal_measurements.proposal_set_id = $2 AND proposal_measurements.rank = m.old`,
      [draft.id, ranked.map((v) => v.proposal.rank), ranked.map((_v, i) => i + 1)],
    );
    const { met, missed } = loopVerdict([...verdicts.values()]);
    const set = await this.proposalSets.promote(manager, draft, { ...draft.result, proposals });
    await this.audit.record(manager, { organizationId: request.organizationId, platform: true }, {
      action: 'search_request.verify_end',
      targetType: 'search_request',
      targetId: request.id,
      data: { rounds: state.round, stoppedBy, met, version: set.version, measuredFeasible: proposals.filter((p) => p.measuredFeasible).length, missed },
    });
    await this.save(manager, request, {
      status: 'succeeded',
      proposalSetId: set.id,
      progress: 1,
      finishedAt: this.clock(),
      verification: { ...state, jobId: null, stoppedBy, met, missed },
    });
  }

  /** An audit event per judged round: what the platform's worker decided on the organization's behalf. */
  private async recordRound(manager: EntityManager, request: SearchRequestRow, data: Record<string, unknown>): Promise<void> {
    await this.audit.record(manager, { organizationId: request.organizationId, platform: true }, { action: 'search_request.verify_round', targetType: 'search_request', targetId: request.id, data });
  }

  private async draftOf(manager: EntityManager, organization: OrgRef, id: string): Promise<ProposalSetRow> {
    const draft = await owned(manager, ProposalSetEntity, organization).findOne({ id });
    if (!draft || draft.version !== null) throw new Error(`The verify loop's draft set ${id} is gone`);
    return draft;
  }

  private async save(manager: EntityManager, request: SearchRequestRow, change: Partial<SearchRequestRow>): Promise<void> {
    await owned(manager, SearchRequestEntity, request).update({ id: request.id }, change);
  }
}
