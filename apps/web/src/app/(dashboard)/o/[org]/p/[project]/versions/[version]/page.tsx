import type { Metadata } from 'next';
import Link from 'next/link';
import { ParetoChart } from '@/components/charts/pareto-chart';
import type { ParetoPoint } from '@/components/charts/pareto-points';
import { baselinePoints, budgetLines, measuredPoints, pointsFor, referenceLabel, referencePoints } from '@/components/charts/pareto-points';
import { TableWrap } from '@/components/form/table-wrap';
import { ProposalDownloads, WeightsNote } from '@/components/results/proposal-downloads';
import { AutoRefresh } from '@/components/shell/auto-refresh';
import { Switcher } from '@/components/shell/switcher';
import { ActivationStrip } from '@/components/strip/activation-strip';
import { jobIsLive } from '@/components/shell/job-status';
import { MeasuredValue, VerificationFlags } from '@/components/verification/measured-cells';
import { VerificationJobsTable } from '@/components/verification/verification-jobs-table';
import { ProposalSetVersionDocument, VerifyOptionsDocument } from '@/graphql/generated';
import { load } from '@/lib/api/session.server';
import { formatDelta, formatValue, metricWord } from '@/lib/format/units';
import { describeBudget, describeBudgetShort, describeGoal, describeObjective, describeTables, deviceNames, objectiveUnit, referenceOfTable, totalTitle } from '@/lib/results/search-summary';
import { budgetVerdicts, goalMetrics, latestMeasurements, measuredObjective, outsidePrediction, rankByMeasured } from '@/lib/verification/measured';
import { defaultRanks } from '@/lib/verification/ranks';
import { VerifyForm } from './verify.form';

export const metadata: Metadata = { title: 'Proposal set' };

/** Strips drawn on this page; every proposal's own page has its strip and per-site table. */
const STRIPS_SHOWN = 10;

const strategyName = (strategy: string): string => ({ ilp: 'ILP', lzcm: 'LZCM', naive: 'naive', pareto: 'Pareto sweep', exact: 'exact', random: 'random' })[strategy.toLowerCase()] ?? strategy;

const metricOrder = ['LATENCY', 'MEMORY', 'ACCURACY'];

/** The verification jobs of this set shown on its page. */
const JOBS_SHOWN = 5;

export default async function ProposalSetPage({ params, searchParams }: { readonly params: Promise<{ org: string; project: string; version: string }>; readonly searchParams: Promise<{ readonly order?: string | string[] }> }) {
  const { org, project: projectId, version: versionText } = await params;
  const byMeasured = (await searchParams).order === 'measured';
  const version = Number(versionText);
  const { organization } = await load(ProposalSetVersionDocument, { slug: org, projectId, version: Number.isInteger(version) ? version : -1, strips: STRIPS_SHOWN });
  const { project } = organization;
  const set = project.proposalSet;
  const search = set.searchRequest;
  const tables = search.costTables;
  const verifyOptions = (await load(VerifyOptionsDocument, { slug: org, modelSpecId: search.modelSpec.id, proposalSetId: set.id, jobs: JOBS_SHOWN })).organization;
  // Devices measured on may be other than the search's: name them from the tables the organization can read.
  const names = new Map([...verifyOptions.costTables.nodes.map((t) => [t.deviceProfile.id, t.deviceProfile.name] as const), ...deviceNames(tables)]);
  const deviceName = (id: string | null): string => (id ? (names.get(id) ?? 'device') : 'device');
  const base = `/o/${org}/p/${projectId}`;
  const versionPath = `${base}/versions/${set.version}`;
  const proposalHref = (rank: number): string => `${base}/versions/${set.version}/proposals/${rank}`;
  const unit = objectiveUnit(search.objective, tables);
  const first = set.proposals[0];
  const latencyUnit = tables.find((t) => t.metric === 'LATENCY')?.unit ?? 'ms';
  const accuracyUnit = tables.find((t) => t.metric === 'ACCURACY')?.unit ?? 'mAP';
  const references = new Map(search.modelSpec.sites.map((s) => [s.name, s.reference]));

  const comparisonPoints = search.comparisons.flatMap((c) => {
    const best = c.proposalSet?.proposals[0];
    return best && c.proposalSet ? pointsFor(`${strategyName(c.strategy)} (v${c.proposalSet.version})`, 'strategy', best.totals, deviceName, `${base}/versions/${c.proposalSet.version}`) : [];
  });
  const views = set.proposals.map((p) => {
    const latest = latestMeasurements(p.measurements);
    const verdicts = budgetVerdicts(search.budgets, tables, p.totals, latest);
    return { proposal: p, rank: p.rank, latest, verdicts, objective: measuredObjective(search.objective, tables, p.totals, latest), feasible: verdicts.every((v) => !v.broken), outside: latest.filter((m) => outsidePrediction(m) === true) };
  });
  const measured = views.some((v) => v.latest.length > 0);
  const ordered = measured && byMeasured ? rankByMeasured(views, search.objective.sense) : views;
  // The goal's metrics as measured, on whichever devices they were measured.
  const goal = goalMetrics(search.objective, search.budgets, tables).map((g) => g.metric);
  const measuredColumns = [...new Map(views.flatMap((v) => v.latest).filter((m) => goal.includes(m.metric)).map((m) => [`${m.metric}/${m.deviceProfileId}`, { metric: m.metric, deviceProfileId: m.deviceProfileId }])).values()].sort((a, b) => goal.indexOf(a.metric) - goal.indexOf(b.metric));
  const unitOf = (m: { readonly metric: string; readonly deviceProfileId: string }): string =>
    verifyOptions.costTables.nodes.find((t) => t.metric === m.metric && t.deviceProfile.id === m.deviceProfileId)?.unit ?? tables.find((t) => t.metric === m.metric)?.unit ?? '';
  const verifyDevices = [...new Map(verifyOptions.costTables.nodes.map((t) => [t.deviceProfile.id, t.deviceProfile])).values()].map((d) => ({
    ...d,
    metrics: metricOrder
      .filter((metric) => verifyOptions.costTables.nodes.some((t) => t.deviceProfile.id === d.id && t.metric === metric))
      .map(metricWord)
      .join(', '),
  }));
  const jobs = verifyOptions.verificationJobs.nodes;
  const points: ParetoPoint[] = [
    ...set.proposals.flatMap((p) => pointsFor(`#${p.rank}`, 'proposal', p.totals, deviceName, proposalHref(p.rank))),
    ...views.flatMap((v) => measuredPoints(`#${v.rank} measured`, v.latest, v.proposal.totals, deviceName, proposalHref(v.rank))),
    ...(first ? referencePoints(referenceLabel([...references.values()]), first.totals, deviceName) : []),
    ...baselinePoints(set.baselines, deviceName, (site) => references.get(site)),
    ...comparisonPoints,
  ];
  const budgets = budgetLines(search.budgets, tables, (id) => {
    const table = tables.find((t) => t.id === id);
    return table && first ? referenceOfTable(table, first.totals) : undefined;
  });
  const labels = [...new Set(set.proposals.flatMap((p) => p.totals.map((t) => t.label)))].sort((a, b) => {
    const metric = (label: string): number => metricOrder.indexOf(first?.totals.find((t) => t.label === label)?.metric ?? '');
    return metric(a) - metric(b);
  });
  const older = project.proposalSets.nodes.find((s) => s.version < set.version);
  const pending = search.comparisons.some((c) => c.status === 'QUEUED' || c.status === 'RUNNING');

  return (
    <>
      <div className="topbar">
        <div>
          <h1>
            {project.name}: version {set.version}
          </h1>
          <p className="muted">
            {strategyName(set.strategy)} · {set.status} · k = {search.k}
            {search.k > 1 ? `, proposals differ in at least ${search.diversity} site${search.diversity === 1 ? '' : 's'}` : ''} · {set.createdAt.slice(0, 16).replace('T', ' ')}
          </p>
          <p data-testid="search-goal">{describeGoal(search.objective, search.budgets, tables)}</p>
        </div>
        <div className="row-actions">
          <Switcher id="version-switcher" label="Version" value={String(set.version)} options={project.proposalSets.nodes.map((s) => ({ value: String(s.version), label: `v${s.version} (${s.strategy})`, href: `${base}/versions/${s.version}` }))} />
          {older ? (
            <Link className="button plain" href={`${base}/diff?from=${older.version}&to=${set.version}`}>
              Diff with v{older.version}
            </Link>
          ) : null}
        </div>
      </div>

      <section className="panel" aria-labelledby="search-heading">
        <h2 id="search-heading">What was searched</h2>
        <dl className="provenance" data-testid="search-summary">
          <div>
            <dt className="label">Objective</dt>
            <dd>
              {describeObjective(search.objective, tables)}
              {unit ? ` (${unit})` : ''}
            </dd>
          </div>
          <div>
            <dt className="label">Budgets</dt>
            <dd>
              {search.budgets.length === 0 ? (
                'none'
              ) : (
                <ul style={{ margin: 0, paddingLeft: '1.1rem' }}>
                  {search.budgets.map((b, i) => (
                    <li key={i}>{describeBudget(b, tables)}</li>
                  ))}
                </ul>
              )}
            </dd>
          </div>
          <div>
            <dt className="label">Model and tables</dt>
            <dd>
              {search.modelSpec.name}
              <ul style={{ margin: 0, paddingLeft: '1.1rem' }}>
                {describeTables(tables).map((line) => (
                  <li key={line}>{line}</li>
                ))}
              </ul>
            </dd>
          </div>
          <div>
            <dt className="label">Locks</dt>
            <dd>{search.locks.length === 0 ? 'none' : `${search.locks.length} site${search.locks.length === 1 ? '' : 's'} held: ${search.locks.map((l) => `${l.site} → ${l.activation}`).join(', ')}`}</dd>
          </div>
          {search.comparisons.length > 0 || search.comparisonOf ? (
            <div>
              <dt className="label">Compared with</dt>
              <dd>
                {search.comparisonOf?.proposalSet ? (
                  <Link href={`${base}/versions/${search.comparisonOf.proposalSet.version}`}>
                    v{search.comparisonOf.proposalSet.version} ({strategyName(search.comparisonOf.strategy)})
                  </Link>
                ) : null}
                {search.comparisons.map((c, i) => (
                  <span key={c.id}>
                    {i > 0 ? ', ' : ''}
                    {c.proposalSet ? <Link href={`${base}/versions/${c.proposalSet.version}`}>v{c.proposalSet.version} ({strategyName(c.strategy)})</Link> : `${strategyName(c.strategy)}: ${c.error ? `failed (${c.error.message})` : c.status.toLowerCase()}`}
                  </span>
                ))}
              </dd>
            </div>
          ) : null}
        </dl>
        <AutoRefresh active={pending} />
      </section>

      <section className="panel" aria-labelledby="pareto-heading">
        <h2 id="pareto-heading">Latency vs accuracy</h2>
        <ParetoChart
          points={points}
          budgets={budgets}
          latencyUnit={latencyUnit}
          accuracyUnit={accuracyUnit}
          title={`Proposals along each device's Pareto front, the reference, uniform baselines and the paper's strategies${measured ? ', and proposals as measured on a device (latency with its 95% CI, at the predicted accuracy change)' : ''}; click a point to open it`}
        />
      </section>

      <section className="panel" aria-labelledby="proposals-heading">
        <h2 id="proposals-heading">Ranked proposals</h2>
        <WeightsNote kind={search.modelSpec.kind} />
        {measured ? (
          <>
            <nav aria-label="Order of proposals" className="row-actions">
              <Link className="button plain" href={versionPath} aria-current={byMeasured ? undefined : 'page'}>
                Rank by prediction
              </Link>
              <Link className="button plain" href={`${versionPath}?order=measured`} aria-current={byMeasured ? 'page' : undefined}>
                Rank by measurement
              </Link>
            </nav>
            <p className="hint">
              Measured: the whole model&apos;s change against the reference, ± half its 95% confidence interval. A proposal is flagged when a measured change lies outside the prediction ± their combined
              uncertainty (√((1.96 σ of the table sum)² + CI half-width²); a side without one adds nothing), or when it breaks a budget as measured.
              {byMeasured ? ' Ranked by measured objective: within every budget as measured first, then over a budget, then not measured.' : ''}
            </p>
          </>
        ) : null}
        <TableWrap label="Ranked proposals">
          <table>
            <thead>
              <tr>
                <th scope="col" className="num">
                  Rank
                </th>
                <th scope="col" className="num">
                  Objective{unit ? ` (${unit})` : ''}
                </th>
                <th scope="col" className="num">
                  Changed sites
                </th>
                <th scope="col">Within budgets</th>
                {measured ? (
                  <th scope="col" className="num">
                    Measured objective{unit ? ` (${unit})` : ''}
                  </th>
                ) : null}
                {measuredColumns.map((c) => (
                  <th key={`${c.metric}/${c.deviceProfileId}`} scope="col" className="num">
                    Measured Δ {metricWord(c.metric)} on {deviceName(c.deviceProfileId)} ({unitOf(c)})
                  </th>
                ))}
                {measured ? <th scope="col">As measured</th> : null}
                {labels.map((l) => {
                  const total = first?.totals.find((t) => t.label === l);
                  return (
                    <th key={l} scope="col" className="num">
                      {total ? totalTitle(total, names) : l}
                    </th>
                  );
                })}
                <th scope="col">Download</th>
              </tr>
            </thead>
            <tbody>
              {ordered.map(({ proposal: p, latest, verdicts, objective, outside }) => (
                <tr key={p.rank} data-rank={p.rank}>
                  <td className="num">
                    <Link href={proposalHref(p.rank)} aria-label={`Proposal ${p.rank}`}>
                      #{p.rank}
                    </Link>
                  </td>
                  <td className="num" style={{ whiteSpace: 'nowrap' }}>
                    {unit ? formatValue(p.objective, unit) : p.objective.toPrecision(6)}
                  </td>
                  <td className="num">{p.changedSites}</td>
                  <td>{p.feasible ? 'yes' : 'no'}</td>
                  {measured ? (
                    <td className="num" data-testid="measured-objective" style={{ whiteSpace: 'nowrap' }}>
                      {objective === null ? '—' : unit ? formatValue(objective, unit) : objective.toPrecision(6)}
                    </td>
                  ) : null}
                  {measuredColumns.map((c) => {
                    const m = latest.find((x) => x.metric === c.metric && x.deviceProfileId === c.deviceProfileId);
                    return (
                      <td key={`${c.metric}/${c.deviceProfileId}`} className="num" style={{ whiteSpace: 'nowrap' }}>
                        {m ? <MeasuredValue m={m} unit={unitOf(m)} /> : '—'}
                      </td>
                    );
                  })}
                  {measured ? (
                    <td data-testid="verification-flags" className="verification-flags">
                      {latest.length === 0 ? <span className="muted">not measured</span> : <VerificationFlags outside={outside} verdicts={verdicts} describe={(v) => describeBudgetShort(v.budget, tables)} unitOf={unitOf} deviceName={deviceName} />}
                    </td>
                  ) : null}
                  {labels.map((l) => {
                    const t = p.totals.find((x) => x.label === l);
                    return (
                      <td key={l} className="num" style={{ whiteSpace: 'nowrap' }}>
                        {t ? (
                          <>
                            {formatValue(t.total, t.unit)}
                            <br />
                            <small className="muted">{formatDelta(t.delta, t.unit)}</small>
                          </>
                        ) : (
                          '—'
                        )}
                      </td>
                    );
                  })}
                  <td>
                    <ProposalDownloads base={base} model={search.modelSpec.name} version={set.version} rank={p.rank} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      </section>

      <section className="panel" aria-labelledby="verification-heading">
        <h2 id="verification-heading">Verify on device</h2>
        <p className="hint">
          Measures the chosen proposals whole on a device (an agent leases the job, as it does profiling jobs); the measurements appear beside the predictions above and never change this version.{' '}
          <Link href={`/o/${org}/jobs`}>All jobs</Link>
        </p>
        {jobs.length > 0 ? <VerificationJobsTable org={org} jobs={jobs} showVersion={false} /> : null}
        <AutoRefresh active={jobs.some((j) => jobIsLive(j.status))} />
        {verifyDevices.length > 0 ? (
          <VerifyForm organizationId={organization.id} proposalSetId={set.id} versionPath={versionPath} devices={verifyDevices} defaultRanks={defaultRanks(set.proposals.length)} proposalCount={set.proposals.length} />
        ) : (
          <p>
            No device has cost tables for {search.modelSpec.name} yet: <Link href={`/o/${org}/jobs`}>profile one</Link> first.
          </p>
        )}
      </section>

      <section className="panel" aria-labelledby="strips-heading">
        <h2 id="strips-heading">Activation per site</h2>
        {set.top.map((p) => (
          <ActivationStrip key={p.rank} label={`Proposal ${p.rank}: ${p.changedSites} sites changed`} sites={p.activations.map((a) => ({ site: a.site, activation: a.activation }))} />
        ))}
        {set.proposals.length > STRIPS_SHOWN ? (
          <p className="muted">
            {set.proposals.length === STRIPS_SHOWN + 1 ? `Proposal ${STRIPS_SHOWN + 1}` : `Proposals ${STRIPS_SHOWN + 1}–${set.proposals.length}`}: open a proposal for its strip and per-site table.
          </p>
        ) : null}
      </section>
    </>
  );
}
