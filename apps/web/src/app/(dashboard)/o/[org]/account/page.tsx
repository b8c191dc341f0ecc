import type { Metadata } from 'next';
import Link from 'next/link';
import { ViewerDocument } from '@/graphql/generated';
import { load } from '@/lib/api/session.server';
import { AccountNameForm, PasswordForm } from './account.forms';

export const metadata: Metadata = { title: 'Your account' };

export default async function AccountPage() {
  const { me, organizations } = await load(ViewerDocument);
  return (
    <>
      <h1>Your account</h1>
      <div className="grid-2">
        <section className="panel" aria-labelledby="profile-heading">
          <h2 id="profile-heading">Profile</h2>
          <p>
            Signed in as <strong className="break-anywhere">{me.email}</strong>.
          </p>
          <AccountNameForm name={me.name} />
        </section>
        <section className="panel" aria-labelledby="password-heading">
          <h2 id="password-heading">Password</h2>
          <PasswordForm email={me.email} />
        </section>
      </div>
      <section className="panel" aria-labelledby="orgs-heading">
        <h2 id="orgs-heading">Your organizations</h2>
        <ul>
          {organizations.nodes.map((o) => (
            <li key={o.id}>
              <Link href={`/o/${o.slug}`}>{o.name}</Link> <span className="muted">({o.viewerRole?.toLowerCase() ?? 'member'})</span> ·{' '}
              <Link href={`/o/${o.slug}/settings`}>settings</Link>
            </li>
          ))}
        </ul>
        <p>
          <Link href="/orgs/new">Create an organization</Link> · <Link href="/invitations/accept">Accept an invitation</Link>
        </p>
      </section>
    </>
  );
}
