import type { Metadata } from 'next';
import Link from 'next/link';
import { ProjectDashboardDocument } from '@/graphql/generated';
import { TableWrap } from '@/components/form/table-wrap';
import { AutoRefresh } from '@/components/shell/auto-refresh';
import { ProgressBar } from '@/components/shell/progress-bar';
import { load } from '@/lib/api/session.server';
import { formatValue } from '@/lib/format/units';
import { describeBudgetShort, describeObjective, describeTables, objectiveUnit } from '@/lib/results/search-summary';
import type { TableRef } from '@/lib/results/search-summary';
import { searchIsLive, verificationLine } from '@/lib/verification/search-verification';

export const metadata: Metadata = { title: 'Project' };

interface VersionSearch {
  readonly objective: Parameters<typeof objectiveUnit>[0];
  readonly costTables: readonly TableRef[];
}

/** The best proposal's objective with its unit, e.g. `806.46 ms`. */
function bestObjective(set: { readonly proposals: readonly { readonly objective: number }[]; readonly searchRequest: VersionSearch }): string {
  const best = set.proposals[0];
  if (!best) return '—';
  const unit = objectiveUnit(set.searchRequest.objective, set.searchRequest.costTables);
  return unit ? formatValue(best.objective, unit) : best.objective.toPrecision(6);
}

export default async function ProjectPage({ params }: { readonly params: Promise<{ org: string; project: string }> }) {
  const { org, project: projectId } = await params;
  const { organization } = await load(ProjectDashboardDocument, { slug: org, projectId });
  const { project } = organization;
  const devices = [...organization.deviceProfiles.nodes, ...organization.sharedDeviceProfiles.nodes];
  const base = `/o/${org}/p/${project.id}`;
  const searches = project.searchRequests.nodes;
  // The newest search's own result, not the LZCM / naive version queued to compare with it.
  const latest = project.proposalSets.nodes.find((s) => !s.searchRequest.comparisonOf) ?? project.proposalSets.nodes[0];
  return (
    <>
      <div className="topbar">
        <div>
          <h1>{project.name}</h1>
          {project.description ? <p className="muted">{project.description}</p> : null}
        </div>
        <Link className="button primary" href={`${base}/searches/new`}>
          New search
        </Link>
      </div>
      <AutoRefresh active={searches.some((s) => searchIsLive(s.status))} />
      <section className="panel" aria-labelledby="latest-heading">
        <h2 id="latest-heading">Latest proposal set</h2>
        {latest ? (
          <p>
            <Link href={`${base}/versions/${latest.version}`}>Version {latest.version}</Link> ({latest.strategy}, {latest.status}): best of {latest.proposals.length} changes {latest.proposals[0]?.changedSites ?? 0} sites; {describeObjective(latest.searchRequest.objective, latest.searchRequest.costTables)}: <strong>{bestObjective(latest)}</strong>.
          </p>
        ) : (
          <p className="muted">No results yet. Start a search to get ranked proposals.</p>
        )}
      </section>
      <section className="panel" aria-labelledby="versions-heading">
        <h2 id="versions-heading">Versions</h2>
        {project.proposalSets.nodes.length === 0 ? (
          <p className="muted">None yet.</p>
        ) : (
          <TableWrap label="Versions">
            <table data-testid="versions">
              <thead>
                <tr>
                  <th scope="col">Version</th>
                  <th scope="col">Strategy</th>
                  <th scope="col" className="num">
                    Best objective
                  </th>
                  <th scope="col">Budgets</th>
                  <th scope="col">Tables</th>
                  <th scope="col">Created</th>
                </tr>
              </thead>
              <tbody>
                {project.proposalSets.nodes.map((s) => (
                  <tr key={s.id}>
                    <td>
                      <Link href={`${base}/versions/${s.version}`}>v{s.version}</Link>
                    </td>
                    <td>
                      {s.strategy} · {s.status}
                      {s.searchRequest.comparisonOf?.proposalSet ? <span className="muted"> (compares with v{s.searchRequest.comparisonOf.proposalSet.version})</span> : null}
                    </td>
                    <td className="num">{bestObjective(s)}</td>
                    <td>{s.searchRequest.budgets.length === 0 ? <span className="muted">none</span> : s.searchRequest.budgets.map((b) => describeBudgetShort(b, s.searchRequest.costTables)).join('; ')}</td>
                    <td>{describeTables(s.searchRequest.costTables).join('; ')}</td>
                    <td>{s.createdAt.slice(0, 16).replace('T', ' ')}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableWrap>
        )}
      </section>
      <div className="grid-2">
        <section className="panel" aria-labelledby="searches-heading">
          <h2 id="searches-heading">Recent searches</h2>
          {searches.length === 0 ? (
            <p className="muted">None yet.</p>
          ) : (
            <TableWrap label="Recent searches">
              <table>
                <thead>
                  <tr>
                    <th scope="col">Search</th>
                    <th scope="col">Status</th>
                    <th scope="col">Progress</th>
                  </tr>
                </thead>
                <tbody>
                  {searches.map((s) => (
                    <tr key={s.id}>
                      <td>
                        <Link href={s.proposalSet ? `${base}/versions/${s.proposalSet.version}` : `${base}/searches/${s.id}`}>
                          {s.strategy.toLowerCase()} {s.proposalSet ? `→ v${s.proposalSet.version}` : ''}
                        </Link>
                      </td>
                      <td>
                        {s.error ? `${s.status.toLowerCase()}: ${s.error.code}` : s.status.toLowerCase()}
                        {s.verification ? <small className="muted" style={{ display: 'block' }} data-testid="search-verification">{verificationLine(s.status, s.verification)}</small> : null}
                      </td>
                      <td>
                        <ProgressBar value={s.progress} label={`Progress of ${s.strategy.toLowerCase()} search`} />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableWrap>
          )}
        </section>
        <section className="panel" aria-labelledby="devices-heading">
          <h2 id="devices-heading">Devices available</h2>
          {devices.length === 0 ? (
            <p>
              No device profiles yet. <Link href={`/o/${org}/devices/new`}>Register a device</Link> to start.
            </p>
          ) : (
            <ul>
              {devices.map((d) => (
                <li key={d.id}>
                  <Link href={`/o/${org}/devices/${d.id}`}>{d.name}</Link>
                </li>
              ))}
            </ul>
          )}
        </section>
        <section className="panel" aria-labelledby="about-heading">
          <h2 id="about-heading">About</h2>
          <dl>
            <dt className="label">Created</dt>
            <dd>{project.createdAt.slice(0, 10)}</dd>
            <dt className="label">Updated</dt>
            <dd>{project.updatedAt.slice(0, 10)}</dd>
          </dl>
        </section>
      </div>
    </>
  );
}
