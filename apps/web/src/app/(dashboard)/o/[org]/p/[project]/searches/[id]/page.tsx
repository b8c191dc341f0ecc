import type { Metadata } from 'next';
import Link from 'next/link';
import { redirect } from 'next/navigation';
import { TableWrap } from '@/components/form/table-wrap';
import { AutoRefresh } from '@/components/shell/auto-refresh';
import { ProgressBar } from '@/components/shell/progress-bar';
import { SearchRequestStatusDocument } from '@/graphql/generated';
import { load } from '@/lib/api/session.server';
import { SearchVerificationPanel } from '@/components/verification/search-verification-panel';
import { deviceNames, readableMessage } from '@/lib/results/search-summary';
import { searchIsLive as live } from '@/lib/verification/search-verification';

export const metadata: Metadata = { title: 'Search' };

export default async function SearchRequestPage({ params }: { readonly params: Promise<{ org: string; project: string; id: string }> }) {
  const { org, project, id } = await params;
  const { organization } = await load(SearchRequestStatusDocument, { slug: org, id });
  const search = organization.searchRequest;
  const base = `/o/${org}/p/${project}`;
  const names = deviceNames(search.costTables);
  // Finished: its version page shows the comparisons as they finish. A verified search stays to show how its loop ended.
  if (search.status === 'SUCCEEDED' && search.proposalSet && !search.verification) redirect(`${base}/versions/${search.proposalSet.version}`);
  const rows = [{ ...search, role: 'search' }, ...search.comparisons.map((c) => ({ ...c, role: 'comparison' }))];
  return (
    <>
      <h1>
        Search ({search.strategy.toLowerCase()}, k = {search.k}) in {search.project.name}
      </h1>
      <AutoRefresh active={rows.some((r) => live(r.status))} intervalMs={700} />
      <section className="panel" aria-live="polite">
        <p>
          Status: <strong data-testid="search-status">{search.status.toLowerCase()}</strong>
          {live(search.status) && !search.verification ? ' — this page opens the results when the search finishes.' : ''}
          {search.verification && search.proposalSet ? (
            <>
              {' '}— <Link href={`${base}/versions/${search.proposalSet.version}`}>Open version {search.proposalSet.version}</Link>
            </>
          ) : null}
        </p>
        <ProgressBar value={search.progress} label="Search progress" />
        {search.error ? (
          <div className="alert error" role="alert">
            <p className="label">{search.error.code === 'INFEASIBLE' ? 'No assignment meets the budgets' : search.error.code === 'VERIFICATION_FAILED' ? 'Verifying on the device failed' : 'The search failed'}</p>
            <p>{readableMessage(search.error.message, names)}</p>
            <Link href={`${base}/searches/new`}>Adjust and try again</Link>
          </div>
        ) : null}
        {search.comparisons.length > 0 ? (
          <TableWrap label="Searches queued together">
            <table>
              <caption className="label" style={{ textAlign: 'left' }}>
                Queued together
              </caption>
              <thead>
                <tr>
                  <th scope="col">Strategy</th>
                  <th scope="col">Status</th>
                  <th scope="col">Progress</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((r) => (
                  <tr key={r.id}>
                    <td>
                      {r.proposalSet ? <Link href={`${base}/versions/${r.proposalSet.version}`}>{`${r.strategy.toLowerCase()} → v${r.proposalSet.version}`}</Link> : r.strategy.toLowerCase()}
                      {r.role === 'comparison' ? ' (comparison)' : ''}
                    </td>
                    <td>{r.error ? `${r.status.toLowerCase()}: ${readableMessage(r.error.message, names)}` : r.status.toLowerCase()}</td>
                    <td>
                      <ProgressBar value={r.progress} label={`Progress of the ${r.strategy.toLowerCase()} search`} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableWrap>
        ) : null}
      </section>
      {search.verification ? <SearchVerificationPanel org={org} status={search.status} verification={search.verification} tables={search.costTables} names={names} /> : null}
    </>
  );
}
