import type { ReactNode } from 'react';
import Link from 'next/link';
import { NavLinks } from '@/components/shell/nav-links';
import { Switcher } from '@/components/shell/switcher';
import { OrganizationShellDocument, ViewerDocument } from '@/graphql/generated';
import { load } from '@/lib/api/session.server';
import { signOut } from '../../../(auth)/auth.actions';

export default async function OrganizationLayout({ children, params }: { readonly children: ReactNode; readonly params: Promise<{ org: string }> }) {
  const { org } = await params;
  const [{ me, organizations }, { organization }] = await Promise.all([load(ViewerDocument), load(OrganizationShellDocument, { slug: org })]);
  const base = `/o/${organization.slug}`;
  const admin = organization.viewerRole === 'ADMIN' || organization.viewerRole === 'OWNER';
  return (
    <div className="shell">
      <a className="skip-link" href="#content">
        Skip to content
      </a>
      <aside className="sidebar">
        <div className="brand">ActNAS</div>
        <Switcher
          id="org-switcher"
          label="Organization"
          value={organization.slug}
          options={[...organizations.nodes.map((o) => ({ value: o.slug, label: o.name, href: `/o/${o.slug}` })), { value: '__new', label: '+ New organization', href: '/orgs/new' }]}
        />
        <Switcher
          id="project-switcher"
          label="Project"
          placeholder={organization.projects.nodes.length ? 'Choose a project…' : 'No projects yet'}
          options={organization.projects.nodes.map((p) => ({ value: p.id, label: p.name, href: `${base}/p/${p.id}` }))}
        />
        <NavLinks
          label="Organization"
          links={[
            { href: base, label: 'Projects' },
            { href: `${base}/devices`, label: 'Device profiles', prefix: true },
            { href: `${base}/models`, label: 'Models' },
            { href: `${base}/tables`, label: 'Cost tables', prefix: true },
            { href: `${base}/jobs`, label: 'Jobs', prefix: true },
            { href: `${base}/members`, label: 'Members' },
            ...(admin ? [{ href: `${base}/tokens`, label: 'API tokens' }] : []),
            { href: `${base}/settings`, label: 'Settings' },
            { href: '/catalog', label: 'Public catalog' },
          ]}
        />
        <form action={signOut} className="account-box">
          <p className="account">
            <Link href={`${base}/account`} title="Your account settings">
              {me.name}
            </Link>
            <br />
            <span>{me.email}</span>
          </p>
          <button type="submit" className="button plain">
            Sign out
          </button>
        </form>
      </aside>
      <main id="content" className="main">
        {children}
      </main>
    </div>
  );
}
