import type { Metadata } from 'next';
import { TableWrap } from '@/components/form/table-wrap';
import { ActivationStrip } from '@/components/strip/activation-strip';
import { ProposalSetBestDocument, ProposalSetDiffDocument } from '@/graphql/generated';
import { load } from '@/lib/api/session.server';
import { formatDelta, formatValue } from '@/lib/format/units';
import { deviceNames, totalTitle } from '@/lib/results/search-summary';

export const metadata: Metadata = { title: 'Diff of two versions' };

export default async function DiffPage({ params, searchParams }: { readonly params: Promise<{ org: string; project: string }>; readonly searchParams: Promise<{ from?: string; to?: string }> }) {
  const { org, project: projectId } = await params;
  const query = await searchParams;
  const from = Number(query.from ?? '1');
  const to = Number(query.to ?? '2');
  const { organization } = await load(ProposalSetDiffDocument, { slug: org, projectId, from, to });
  const { project } = organization;
  const diff = project.proposalSetDiff;
  const bests = await Promise.all([diff.from, diff.to].map((version) => load(ProposalSetBestDocument, { slug: org, projectId, version })));
  const changed = new Set(diff.changedSites.map((s) => s.site));
  const names = deviceNames(bests.flatMap((r) => r.organization.project.proposalSet.searchRequest.costTables));
  const strips = bests.flatMap((r) => {
    const best = r.organization.project.proposalSet.proposals[0];
    return best ? [{ version: r.organization.project.proposalSet.version, sites: best.activations }] : [];
  });
  const versionSelect = (name: 'from' | 'to', value: number) => (
    <div className="field">
      <label htmlFor={`diff-${name}`}>{name === 'from' ? 'From version' : 'To version'}</label>
      <select id={`diff-${name}`} name={name} defaultValue={String(value)}>
        {project.proposalSets.nodes.map((s) => (
          <option key={s.version} value={s.version}>
            v{s.version} ({s.strategy.toLowerCase()})
          </option>
        ))}
      </select>
    </div>
  );
  return (
    <>
      <h1>
        {project.name}: v{diff.from} → v{diff.to}
      </h1>
      <form method="get" className="panel row-actions">
        {versionSelect('from', from)}
        {versionSelect('to', to)}
        <button type="submit" className="button primary">
          Show diff
        </button>
      </form>
      <section className="panel" aria-labelledby="strips-heading">
        <h2 id="strips-heading">Best proposals side by side (changed sites outlined)</h2>
        {strips.map((s) => (
          <ActivationStrip key={s.version} label={`v${s.version}, proposal 1`} sites={s.sites} highlighted={changed} />
        ))}
      </section>
      <section className="panel" aria-labelledby="metric-heading">
        <h2 id="metric-heading">Best proposal&apos;s metrics</h2>
        <TableWrap label="Metric changes">
          <table>
            <thead>
              <tr>
                <th scope="col">Metric</th>
                <th scope="col" className="num">
                  v{diff.from}
                </th>
                <th scope="col" className="num">
                  v{diff.to}
                </th>
                <th scope="col" className="num">
                  Δ
                </th>
              </tr>
            </thead>
            <tbody>
              {diff.metricDeltas.map((m) => (
                <tr key={m.label}>
                  <th scope="row">{totalTitle(m, names)}</th>
                  <td className="num">{m.from == null ? '—' : formatValue(m.from, m.unit)}</td>
                  <td className="num">{m.to == null ? '—' : formatValue(m.to, m.unit)}</td>
                  <td className="num">{m.delta == null ? '—' : formatDelta(m.delta, m.unit)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      </section>
      <section className="panel" aria-labelledby="sites-heading">
        <h2 id="sites-heading">{diff.changedSites.length} sites changed</h2>
        {diff.changedSites.length === 0 ? (
          <p className="muted">The best proposals assign the same activation everywhere.</p>
        ) : (
          <TableWrap label="Changed sites">
            <table>
              <thead>
                <tr>
                  <th scope="col">Site</th>
                  <th scope="col">v{diff.from}</th>
                  <th scope="col">v{diff.to}</th>
                </tr>
              </thead>
              <tbody>
                {diff.changedSites.map((s) => (
                  <tr key={s.site}>
                    <td>
                      <code>{s.site}</code>
                    </td>
                    <td>{s.from ?? '—'}</td>
                    <td>{s.to ?? '—'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableWrap>
        )}
      </section>
    </>
  );
}
