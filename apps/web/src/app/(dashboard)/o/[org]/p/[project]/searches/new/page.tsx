import type { Metadata } from 'next';
import Link from 'next/link';
import { NewSearchOptionsDocument } from '@/graphql/generated';
import { load } from '@/lib/api/session.server';
import { SearchForm } from './search.form';

export const metadata: Metadata = { title: 'New search' };

export default async function NewSearchPage({ params }: { readonly params: Promise<{ org: string; project: string }> }) {
  const { org, project: projectId } = await params;
  const { organization } = await load(NewSearchOptionsDocument, { slug: org, projectId });
  const models = organization.modelSpecs.nodes;
  return (
    <>
      <h1>New search in {organization.project.name}</h1>
      {models.length === 0 ? (
        <p className="alert error">
          <Link href={`/o/${org}/models`}>Register a model</Link> and <Link href={`/o/${org}/tables/new`}>upload its cost tables</Link> first.
        </p>
      ) : (
        <section className="panel">
          <SearchForm organizationId={organization.id} orgSlug={org} projectId={projectId} models={models} tables={organization.costTables.nodes.map((t) => ({ ...t, foreign: t.deviceProfile.owner.id !== organization.id }))} />
        </section>
      )}
    </>
  );
}
