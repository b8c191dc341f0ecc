import { redirect } from 'next/navigation';
import { ViewerDocument } from '@/graphql/generated';
import { load } from '@/lib/api/session.server';

export const dynamic = 'force-dynamic';

/** Sends the visitor to their first organization, or to create one. */
export default async function HomePage() {
  const { organizations } = await load(ViewerDocument);
  const first = organizations.nodes[0];
  redirect(first ? `/o/${first.slug}` : '/orgs/new');
}
