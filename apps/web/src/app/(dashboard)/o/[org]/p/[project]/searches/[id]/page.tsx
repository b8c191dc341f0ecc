import type { Metadata } from 'next';
import Link from 'next/link';
import { redirect } from 'next/navigation';
import { AutoRefresh } from '@/components/shell/auto-refresh';
import { ProgressBar } from '@/components/shell/progress-bar';
import { SearchRequestStatusDocument } from '@/graphql/generated';
import { load } from '@/lib/api/session.server';

export const metadata: Metadata = { title: 'Search' };

export default async function SearchRequestPage({ params }: { readonly params: Promise<{ org: string; project: string; id: string }> }) {
  const { org, project, id } = await params;
  const { organization } = await load(SearchRequestStatusDocument, { slug: org, id });
  const search = organization.searchRequest;
  if (search.status === 'SUCCEEDED' && search.proposalSet) redirect(`/o/${org}/p/${project}/versions/${search.proposalSet.version}`);
  const live = search.status === 'QUEUED' || search.status === 'RUNNING';
  return (
    <>
      <h1>
        Search ({search.strategy.toLowerCase()}, k = {search.k}) in {search.project.name}
      </h1>
      <AutoRefresh active={live} intervalMs={700} />
      <section className="panel" aria-live="polite">
        <p>
          Status: <strong data-testid="search-status">{search.status.toLowerCase()}</strong>
        </p>
        <ProgressBar value={search.progress} label="Search progress" />
        {search.error ? (
          <div className="alert error" role="alert">
            <p className="label">{search.error.code === 'INFEASIBLE' ? 'No assignment meets the budgets' : 'The search failed'}</p>
            <p>{search.error.message}</p>
            <Link href={`/o/${org}/p/${project}/searches/new`}>Adjust and try again</Link>
          </div>
        ) : null}
      </section>
    </>
  );
}
