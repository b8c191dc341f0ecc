import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { TableWrap } from '@/components/form/table-wrap';
import { ProposalDownloads, WeightsNote } from '@/components/results/proposal-downloads';
import { ActivationStrip } from '@/components/strip/activation-strip';
import { activationColour } from '@/components/strip/activation-colours';
import { MeasurementDevicesDocument, ProposalDetailDocument } from '@/graphql/generated';
import { load } from '@/lib/api/session.server';
import { formatDelta, formatSignedNumber, formatValue, metricWord } from '@/lib/format/units';
import { describeObjective, deviceNames, objectiveUnit } from '@/lib/results/search-summary';
import { cellText, siteRows } from '@/components/results/proposal-sites';
import { predictedText } from '@/components/verification/measured-cells';
import { ciHalfWidth, outsidePrediction } from '@/lib/verification/measured';

export const metadata: Metadata = { title: 'Proposal' };

export default async function ProposalPage({ params }: { readonly params: Promise<{ org: string; project: string; version: string; rank: string }> }) {
  const { org, project: projectId, version: versionText, rank: rankText } = await params;
  const version = Number(versionText);
  const rank = Number(rankText);
  if (!Number.isInteger(version) || !Number.isInteger(rank)) notFound();
  const { organization } = await load(ProposalDetailDocument, { slug: org, projectId, version, rank });
  const { project } = organization;
  const set = project.proposalSet;
  const proposal = set.proposal;
  if (!proposal) notFound();
  const search = set.searchRequest;
  const base = `/o/${org}/p/${projectId}`;
  // The tables with their cells (second selection of costTables) next to their names and units.
  const cellsById = new Map(search.costTables.map((t) => [t.id, t.cells]));
  const order = ['LATENCY', 'MEMORY', 'ACCURACY'];
  const tables = search.costTables.map((t) => ({ ...t, cells: cellsById.get(t.id) ?? [] })).sort((a, b) => order.indexOf(a.metric) - order.indexOf(b.metric));
  const names = deviceNames(tables);
  const unit = objectiveUnit(search.objective, tables);
  const locks = new Map(search.locks.map((l) => [l.site, l.activation]));
  const rows = siteRows(proposal.activations, search.modelSpec.sites, tables, locks);
  const sums = tables.map((t) => rows.reduce((sum, r) => sum + (r.cells.find((c) => c.tableId === t.id)?.delta ?? 0), 0));
  const measurements = proposal.measurements;
  // A verification may measure on a device other than the search's: name it from the tables the organization can read.
  const devices = measurements.some((m) => !names.has(m.deviceProfileId)) ? (await load(MeasurementDevicesDocument, { slug: org, modelSpecId: search.modelSpec.id })).organization.costTables.nodes.map((t) => t.deviceProfile) : [];
  const deviceName = (id: string): string => names.get(id) ?? devices.find((d) => d.id === id)?.name ?? 'a device no longer shared';
  const unitOf = (metric: string): string => tables.find((t) => t.metric === metric)?.unit ?? '';
  const neighbour = (r: number): string => `${base}/versions/${set.version}/proposals/${r}`;

  return (
    <>
      <nav aria-label="Breadcrumb" className="muted" style={{ marginBottom: '0.5rem' }}>
        <Link href={base}>{project.name}</Link> › <Link href={`${base}/versions/${set.version}`}>version {set.version}</Link> › proposal {proposal.rank}
      </nav>
      <div className="topbar">
        <h1>
          Proposal {proposal.rank} of version {set.version}
        </h1>
        <div className="row-actions">
          {set.proposals.some((p) => p.rank === rank - 1) ? (
            <Link className="button plain" href={neighbour(rank - 1)}>
              ← Proposal {rank - 1}
            </Link>
          ) : null}
          {set.proposals.some((p) => p.rank === rank + 1) ? (
            <Link className="button plain" href={neighbour(rank + 1)}>
              Proposal {rank + 1} →
            </Link>
          ) : null}
        </div>
      </div>

      <section className="panel" aria-labelledby="summary-heading">
        <h2 id="summary-heading">Summary</h2>
        <dl className="provenance">
          <div>
            <dt className="label">Objective: {describeObjective(search.objective, tables)}</dt>
            <dd data-testid="proposal-objective">{unit ? formatValue(proposal.objective, unit) : proposal.objective.toPrecision(6)}</dd>
          </div>
          <div>
            <dt className="label">Sites changed</dt>
            <dd>
              {proposal.changedSites} of {proposal.activations.length}
            </dd>
          </div>
          <div>
            <dt className="label">Within budgets</dt>
            <dd>{proposal.feasible ? 'yes' : 'no'}</dd>
          </div>
          {proposal.totals.map((t) => (
            <div key={t.label}>
              <dt className="label">
                {metricWord(t.metric)}
                {t.deviceProfileId && names.get(t.deviceProfileId) ? ` on ${names.get(t.deviceProfileId)}` : ''}
              </dt>
              <dd>
                {formatValue(t.total, t.unit)} ({formatDelta(t.delta, t.unit)} from {formatValue(t.reference, t.unit)})
              </dd>
            </div>
          ))}
        </dl>
        <h3 className="label">Downloads</h3>
        <ProposalDownloads base={base} model={search.modelSpec.name} version={set.version} rank={proposal.rank} />
        <WeightsNote kind={search.modelSpec.kind} />
      </section>

      <section className="panel" aria-labelledby="measurements-heading">
        <h2 id="measurements-heading">Measured on a device</h2>
        {measurements.length === 0 ? (
          <p className="muted">
            Not measured yet: use &ldquo;Verify on device&rdquo; on <Link href={`${base}/versions/${set.version}#verification-heading`}>version {set.version}</Link>.
          </p>
        ) : (
          <>
            <p className="hint">The whole model measured against the reference, newest first, beside the sum of its single-swap cells. Outside: beyond the prediction ± their combined 95% uncertainty.</p>
            <TableWrap label="Measurements of the proposal">
              <table data-testid="proposal-measurements">
                <thead>
                  <tr>
                    <th scope="col">Metric</th>
                    <th scope="col">Device</th>
                    <th scope="col" className="num">
                      Predicted Δ
                    </th>
                    <th scope="col" className="num">
                      Measured Δ
                    </th>
                    <th scope="col" className="num">
                      95% CI
                    </th>
                    <th scope="col" className="num">
                      Runs
                    </th>
                    <th scope="col">Host</th>
                    <th scope="col">When</th>
                    <th scope="col">Against the prediction</th>
                  </tr>
                </thead>
                <tbody>
                  {measurements.map((m) => {
                    const u = unitOf(m.metric);
                    const outside = outsidePrediction(m);
                    const half = ciHalfWidth(m);
                    return (
                      <tr key={m.id}>
                        <td>{metricWord(m.metric)}</td>
                        <td>{deviceName(m.deviceProfileId)}</td>
                        <td className="num" style={{ whiteSpace: 'nowrap' }}>
                          {m.predicted === null ? '—' : predictedText(m, u).replace(/^predicted /, '')}
                        </td>
                        <td className="num" style={{ whiteSpace: 'nowrap' }}>
                          {formatDelta(m.measured, u)}
                          {m.measuredTotal === null ? null : (
                            <>
                              <br />
                              <small className="muted">total {formatValue(m.measuredTotal, u)}</small>
                            </>
                          )}
                        </td>
                        <td className="num" style={{ whiteSpace: 'nowrap' }}>
                          {m.ciLow === null || m.ciHigh === null ? '—' : `[${formatSignedNumber(m.ciLow, u)}, ${formatSignedNumber(m.ciHigh, u)}] (± ${formatValue(half ?? 0, u)})`}
                        </td>
                        <td className="num">{m.runs}</td>
                        <td>{m.host ?? '—'}</td>
                        <td style={{ whiteSpace: 'nowrap' }}>{m.measuredAt.slice(0, 16).replace('T', ' ')} UTC</td>
                        <td>{outside === null ? 'no prediction' : outside ? <span className="badge flag">outside</span> : <span className="badge held">inside</span>}</td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </TableWrap>
          </>
        )}
      </section>

      <section className="panel" aria-labelledby="strip-heading">
        <h2 id="strip-heading">Activation per site</h2>
        <ActivationStrip label={`Proposal ${proposal.rank}: ${proposal.changedSites} sites changed`} sites={proposal.activations} locked={new Set(locks.keys())} />
      </section>

      <section className="panel" aria-labelledby="sites-heading">
        <h2 id="sites-heading">Sites</h2>
        <p className="hint">Each site&apos;s chosen activation and its single-swap cell in every table searched: the change from the reference and, where measured, the 95% confidence interval. The totals add these changes up.</p>
        <TableWrap label="Sites of the proposal">
          <table data-testid="proposal-sites">
            <thead>
              <tr>
                <th scope="col" className="num">
                  #
                </th>
                <th scope="col">Site</th>
                <th scope="col">Reference</th>
                <th scope="col">Chosen</th>
                {tables.map((t) => (
                  <th key={t.id} scope="col" className="num">
                    Δ {metricWord(t.metric)} on {t.deviceProfile.name} ({t.unit}), v{t.version}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.site}>
                  <td className="num">{r.index}</td>
                  <td>
                    <code>{r.site}</code>
                  </td>
                  <td>{r.reference}</td>
                  <td style={{ whiteSpace: 'nowrap' }}>
                    <span className="swatch" style={{ background: activationColour(r.activation), marginRight: 6, verticalAlign: 'middle' }} aria-hidden="true" />
                    {r.changed ? <strong>{r.activation}</strong> : r.activation}
                    {r.locked ? ' (locked)' : ''}
                  </td>
                  {r.cells.map((c) => (
                    <td key={c.tableId} className="num" style={{ whiteSpace: 'nowrap' }}>
                      {cellText(c)}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
            <tfoot>
              <tr>
                <th scope="row" colSpan={4}>
                  Σ changes
                </th>
                {tables.map((t, i) => (
                  <td key={t.id} className="num">
                    {formatSignedNumber(sums[i] ?? 0, t.unit)}
                  </td>
                ))}
              </tr>
            </tfoot>
          </table>
        </TableWrap>
      </section>
    </>
  );
}
