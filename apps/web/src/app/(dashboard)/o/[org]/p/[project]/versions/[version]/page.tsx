import type { Metadata } from 'next';
import Link from 'next/link';
import { ParetoChart } from '@/components/charts/pareto-chart';
import type { ParetoPoint } from '@/components/charts/pareto-chart';
import { baselinePoints, pointsFor } from '@/components/charts/pareto-points';
import { TableWrap } from '@/components/form/table-wrap';
import { Switcher } from '@/components/shell/switcher';
import { ActivationStrip } from '@/components/strip/activation-strip';
import { ProposalSetStrategiesDocument, ProposalSetVersionDocument } from '@/graphql/generated';
import { load } from '@/lib/api/session.server';

export const metadata: Metadata = { title: 'Proposal set' };

const formats = [
  { format: 'ONNX', label: 'ONNX (rewritten)' },
  { format: 'ULTRALYTICS_YAML', label: 'Ultralytics YAML' },
  { format: 'JSON', label: 'JSON' },
] as const;

export default async function ProposalSetPage({ params }: { readonly params: Promise<{ org: string; project: string; version: string }> }) {
  const { org, project: projectId, version: versionText } = await params;
  const version = Number(versionText);
  const { organization } = await load(ProposalSetVersionDocument, { slug: org, projectId, version: Number.isInteger(version) ? version : -1 });
  const { project } = organization;
  const set = project.proposalSet;
  const names = new Map([...organization.deviceProfiles.nodes, ...organization.sharedDeviceProfiles.nodes].map((d) => [d.id, d.name]));
  const deviceName = (id: string | null): string => (id ? (names.get(id) ?? 'shared device') : 'device');

  // The paper's strategies from this project's latest LZCM and naive versions, for comparison.
  const comparisons = await Promise.all(
    ['lzcm', 'naive'].map(async (strategy) => {
      const other = project.proposalSets.nodes.find((s) => s.strategy.toLowerCase() === strategy && s.version !== set.version);
      if (!other || set.strategy.toLowerCase() === strategy) return [];
      const { organization: o } = await load(ProposalSetStrategiesDocument, { slug: org, projectId, version: other.version });
      const best = o.project.proposalSet.proposals[0];
      return best ? pointsFor(`${strategy === 'lzcm' ? 'LZCM' : 'naive'} (v${other.version})`, 'strategy', best.totals, deviceName) : [];
    }),
  );
  const points: ParetoPoint[] = [...set.proposals.flatMap((p) => pointsFor(`#${p.rank}`, 'proposal', p.totals, deviceName)), ...baselinePoints(set.result, deviceName), ...comparisons.flat()];
  const labels = [...new Set(set.proposals.flatMap((p) => p.totals.map((t) => t.label)))];
  const base = `/o/${org}/p/${projectId}`;
  const readable = (text: string): string => text.replace(/@([0-9a-f-]{36})/g, (_m, id: string) => ` on ${deviceName(id)}`).replace(/peak_memory/g, 'peak memory');
  const older = project.proposalSets.nodes.find((s) => s.version < set.version);

  return (
    <>
      <div className="topbar">
        <div>
          <h1>
            {project.name}: version {set.version}
          </h1>
          <p className="muted">
            {set.strategy} · {set.status} · {readable(set.objective)}
            {set.budgets.length ? ` · subject to ${set.budgets.map(readable).join('; ')}` : ''}
          </p>
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

      <section className="panel" aria-labelledby="pareto-heading">
        <h2 id="pareto-heading">Latency vs accuracy</h2>
        <ParetoChart points={points} title="Proposals, uniform baselines and the paper's strategies, one colour per device" />
      </section>

      <section className="panel" aria-labelledby="proposals-heading">
        <h2 id="proposals-heading">Ranked proposals</h2>
        <TableWrap label="Ranked proposals">
          <table>
            <thead>
              <tr>
                <th scope="col" className="num">
                  Rank
                </th>
                <th scope="col" className="num">
                  Objective
                </th>
                <th scope="col" className="num">
                  Changed sites
                </th>
                <th scope="col">Feasible</th>
                {labels.map((l) => (
                  <th key={l} scope="col" className="num">
                    {l.replace(/@.*/, '').replace('peak_memory', 'peak memory')} {(() => {
                      const device = set.proposals[0]?.totals.find((t) => t.label === l)?.deviceProfileId;
                      return device ? `(${deviceName(device)})` : '';
                    })()}
                  </th>
                ))}
                <th scope="col">Download</th>
              </tr>
            </thead>
            <tbody>
              {set.proposals.map((p) => (
                <tr key={p.rank}>
                  <td className="num">{p.rank}</td>
                  <td className="num">{p.objective.toFixed(4)}</td>
                  <td className="num">{p.changedSites}</td>
                  <td>{p.feasible ? 'yes' : 'no'}</td>
                  {labels.map((l) => {
                    const t = p.totals.find((x) => x.label === l);
                    return (
                      <td key={l} className="num">
                        {t ? `${t.total.toFixed(3)} ${t.unit} (${t.delta >= 0 ? '+' : ''}${t.delta.toFixed(3)})` : '—'}
                      </td>
                    );
                  })}
                  <td>
                    <span className="row-actions">
                      {formats.map((f) => (
                        <a key={f.format} href={`${base}/versions/${set.version}/export?rank=${p.rank}&format=${f.format}`} download aria-label={`Download proposal ${p.rank} as ${f.label}`}>
                          {f.format === 'ULTRALYTICS_YAML' ? 'YAML' : f.format}
                        </a>
                      ))}
                    </span>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      </section>

      <section className="panel" aria-labelledby="strips-heading">
        <h2 id="strips-heading">Activation per site</h2>
        {set.proposals.map((p) => (
          <ActivationStrip key={p.rank} label={`Proposal ${p.rank}: ${p.changedSites} sites changed`} sites={p.activations.map((a) => ({ site: a.site, activation: a.activation }))} />
        ))}
      </section>
    </>
  );
}
