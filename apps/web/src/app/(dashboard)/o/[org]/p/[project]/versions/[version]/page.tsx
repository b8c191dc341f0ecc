import type { Metadata } from 'next';
import Link from 'next/link';
import { ParetoChart } from '@/components/charts/pareto-chart';
import type { ParetoPoint } from '@/components/charts/pareto-points';
import { baselinePoints, budgetLines, pointsFor, referenceLabel, referencePoints } from '@/components/charts/pareto-points';
import { TableWrap } from '@/components/form/table-wrap';
import { ProposalDownloads, WeightsNote } from '@/components/results/proposal-downloads';
import { AutoRefresh } from '@/components/shell/auto-refresh';
import { Switcher } from '@/components/shell/switcher';
import { ActivationStrip } from '@/components/strip/activation-strip';
import { ProposalSetVersionDocument } from '@/graphql/generated';
import { load } from '@/lib/api/session.server';
import { formatDelta, formatValue } from '@/lib/format/units';
import { describeBudget, describeGoal, describeObjective, describeTables, deviceNames, objectiveUnit, referenceOfTable, totalTitle } from '@/lib/results/search-summary';

export const metadata: Metadata = { title: 'Proposal set' };

/** Strips drawn on this page; every proposal's own page has its strip and per-site table. */
const STRIPS_SHOWN = 10;

const strategyName = (strategy: string): string => ({ ilp: 'ILP', lzcm: 'LZCM', naive: 'naive', pareto: 'Pareto sweep', exact: 'exact', random: 'random' })[strategy.toLowerCase()] ?? strategy;

export default async function ProposalSetPage({ params }: { readonly params: Promise<{ org: string; project: string; version: string }> }) {
  const { org, project: projectId, version: versionText } = await params;
  const version = Number(versionText);
  const { organization } = await load(ProposalSetVersionDocument, { slug: org, projectId, version: Number.isInteger(version) ? version : -1, strips: STRIPS_SHOWN });
  const { project } = organization;
  const set = project.proposalSet;
  const search = set.searchRequest;
  const tables = search.costTables;
  const names = deviceNames(tables);
  const deviceName = (id: string | null): string => (id ? (names.get(id) ?? 'device') : 'device');
  const base = `/o/${org}/p/${projectId}`;
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
  const points: ParetoPoint[] = [
    ...set.proposals.flatMap((p) => pointsFor(`#${p.rank}`, 'proposal', p.totals, deviceName, proposalHref(p.rank))),
    ...(first ? referencePoints(referenceLabel([...references.values()]), first.totals, deviceName) : []),
    ...baselinePoints(set.baselines, deviceName, (site) => references.get(site)),
    ...comparisonPoints,
  ];
  const budgets = budgetLines(search.budgets, tables, (id) => {
    const table = tables.find((t) => t.id === id);
    return table && first ? referenceOfTable(table, first.totals) : undefined;
  });
  const metricOrder = ['LATENCY', 'MEMORY', 'ACCURACY'];
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
        <ParetoChart points={points} budgets={budgets} latencyUnit={latencyUnit} accuracyUnit={accuracyUnit} title="Proposals along each device's Pareto front, the reference, uniform baselines and the paper's strategies; click a point to open it" />
      </section>

      <section className="panel" aria-labelledby="proposals-heading">
        <h2 id="proposals-heading">Ranked proposals</h2>
        <WeightsNote kind={search.modelSpec.kind} />
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
              {set.proposals.map((p) => (
                <tr key={p.rank}>
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
