import type { Metadata } from 'next';
import { ViewerDocument } from '@/graphql/generated';
import { load } from '@/lib/api/session.server';
import { AcceptInvitationForm } from './invitation.form';

export const metadata: Metadata = { title: 'Accept an invitation' };

/** The token is pasted, not put in a link, so it never lands in URLs or logs. */
export default async function AcceptInvitationPage() {
  const { me } = await load(ViewerDocument);
  return (
    <main className="auth-card panel">
      <h1>Join an organization</h1>
      <p className="muted">Signed in as {me.email}; the invitation must be for this address.</p>
      <AcceptInvitationForm />
    </main>
  );
}
