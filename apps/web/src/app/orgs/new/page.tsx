import type { Metadata } from 'next';
import Link from 'next/link';
import { ViewerDocument } from '@/graphql/generated';
import { load } from '@/lib/api/session.server';
import { OrganizationForm } from './organization.form';

export const metadata: Metadata = { title: 'New organization' };

export default async function NewOrganizationPage() {
  const { me, organizations } = await load(ViewerDocument);
  return (
    <main className="auth-card panel">
      <h1>New organization</h1>
      <p className="muted">Signed in as {me.email}. Everything you create lives in an organization; invite your team later.</p>
      <OrganizationForm />
      <p>
        Invited to one? <Link href="/invitations/accept">Accept an invitation</Link>.
      </p>
      {organizations.nodes.length > 0 ? (
        <p>
          Or go back to <Link href={`/o/${organizations.nodes[0]!.slug}`}>{organizations.nodes[0]!.name}</Link>.
        </p>
      ) : null}
    </main>
  );
}
